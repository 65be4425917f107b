package consent

import (
	"embed"
	"io/fs"
)

//go:embed schema/consent-record.schema.json schema/consent-records.schema.json schema/consent-person-records.schema.json
var schemaFiles embed.FS

// RecordSchemas returns the JSON Schemas (draft 2020-12) of the records
// ExportRecords produces: consent-record.schema.json for one
// ConsentRecord and consent-records.schema.json for a RecordExport, which
// refers to the first by that relative name, and
// consent-person-records.schema.json for a PersonRecordExport, which refers
// to both. Publish them beside exports
// so that a requester or an auditor can check what they were given.
func RecordSchemas() fs.FS {
	sub, err := fs.Sub(schemaFiles, "schema")
	if err != nil {
		panic(err) // the directory is embedded above
	}
	return sub
}
