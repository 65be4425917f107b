package redact

import "unsafe"

// operator returns the operator configured for entity id.
func (r *Redactor) operator(f Finding) Operator {
	if id, ok := r.ids[f.Entity]; ok && r.ops[id] != nil {
		return r.ops[id]
	}
	return r.defaultOp
}

// Redact returns s with every finding replaced by its operator's output.
// It returns s itself, without allocating, when nothing is found. If an
// operator fails (a keyed operator whose key is unusable), the finding is
// replaced by its label: Redact never lets a detected span through.
func (r *Redactor) Redact(s string) string {
	out, _ := r.RedactFindings(s)
	return out
}

// RedactFindings is Redact that also returns what it replaced (offsets
// into s).
func (r *Redactor) RedactFindings(s string) (string, []Finding) {
	fs := r.Find(s)
	if len(fs) == 0 {
		return s, nil
	}
	b := r.appendApplied(make([]byte, 0, len(s)+16*len(fs)), s, fs)
	return unsafe.String(unsafe.SliceData(b), len(b)), fs
}

// RedactBytes appends the redacted form of b to dst and returns the
// extended slice and the findings (offsets into b).
func (r *Redactor) RedactBytes(dst, b []byte) ([]byte, []Finding) {
	s := unsafe.String(unsafe.SliceData(b), len(b))
	fs := r.Find(s)
	return r.appendApplied(dst, s, fs), fs
}

// Apply replaces the given findings of s (as returned by Find, sorted and
// non-overlapping) using the configured operators. Unlike Redact it
// reports an operator failure instead of falling back to the label.
func (r *Redactor) Apply(s string, fs []Finding) (string, error) {
	b := make([]byte, 0, len(s)+16*len(fs))
	last := 0
	for _, f := range fs {
		if f.Start < last || f.End > len(s) {
			continue
		}
		b = append(b, s[last:f.Start]...)
		var err error
		b, err = r.operator(f).Apply(b, f, s[f.Start:f.End])
		if err != nil {
			return "", err
		}
		last = f.End
	}
	b = append(b, s[last:]...)
	return string(b), nil
}

func (r *Redactor) appendApplied(dst []byte, s string, fs []Finding) []byte {
	last := 0
	for _, f := range fs {
		if f.Start < last || f.End > len(s) {
			continue
		}
		dst = append(dst, s[last:f.Start]...)
		mark := len(dst)
		var err error
		dst, err = r.operator(f).Apply(dst, f, s[f.Start:f.End])
		if err != nil {
			dst = append(dst[:mark], f.Entity.Label()...)
		}
		last = f.End
	}
	return append(dst, s[last:]...)
}
