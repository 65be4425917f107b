package records

import (
	"archive/zip"
	"bytes"
)

// sniffOOXML tells Word from Excel files by the main part their ZIP
// archive holds, and reports false for other archives.
func sniffOOXML(data []byte) (DocFormat, bool) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", false
	}
	for _, f := range zr.File {
		switch f.Name {
		case "word/document.xml":
			return DocDOCX, true
		case "xl/workbook.xml":
			return DocXLSX, true
		}
	}
	return "", false
}
