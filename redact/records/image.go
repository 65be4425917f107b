package records

func (rq *Request) redactImage(res *Result, part string, data []byte) ([]byte, error) {
	return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonNeedsOCR}
}
