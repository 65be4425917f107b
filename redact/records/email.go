package records

func (rq *Request) redactEmail(res *Result, part string, data []byte) ([]byte, error) {
	return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnsupported, Detail: "e-mail"}
}

func (rq *Request) redactMbox(res *Result, part string, data []byte) ([]byte, error) {
	return nil, &WithheldError{Document: res.Document, Part: part, Reason: ReasonUnsupported, Detail: "mbox"}
}
