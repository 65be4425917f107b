package records

func (rq *Request) redactDOCX(res *Result, part string, data []byte) ([]byte, error) {
	return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnsupported, Detail: "Word"}
}
