package migrate

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	cases := []struct {
		why      string
		name     string
		src      string
		up, down []string
		err      bool
	}{
		{
			why:  "statements end at a line ending with ;",
			name: "0001_init.sql",
			src:  "-- a comment\n-- +goose Up\nCREATE TABLE a (\n  x INT\n);\n-- between\nCREATE INDEX i ON a (x);\n\n-- +goose Down\nDROP TABLE a;\n",
			up:   []string{"CREATE TABLE a (\n  x INT\n);", "CREATE INDEX i ON a (x);"},
			down: []string{"DROP TABLE a;"},
		},
		{
			why:  "a trigger body keeps its semicolons between StatementBegin and StatementEnd",
			name: "0002_trigger.sql",
			src:  "-- +goose Up\n-- +goose StatementBegin\nCREATE TRIGGER t BEFORE UPDATE ON a\nBEGIN\n  SELECT RAISE(ABORT, 'no');\nEND;\n-- +goose StatementEnd\n",
			up:   []string{"CREATE TRIGGER t BEFORE UPDATE ON a\nBEGIN\n  SELECT RAISE(ABORT, 'no');\nEND;"},
		},
		{why: "SQL before +goose Up", name: "0001_x.sql", src: "CREATE TABLE a (x INT);\n-- +goose Up\n", err: true},
		{why: "no +goose Up", name: "0001_x.sql", src: "-- nothing\n", err: true},
		{why: "StatementBegin left open", name: "0001_x.sql", src: "-- +goose Up\n-- +goose StatementBegin\nSELECT 1;\n", err: true},
		{why: "StatementEnd without StatementBegin", name: "0001_x.sql", src: "-- +goose Up\n-- +goose StatementEnd\n", err: true},
		{why: "a last statement without ;", name: "0001_x.sql", src: "-- +goose Up\nSELECT 1\n", err: true},
		{why: "an unknown annotation", name: "0001_x.sql", src: "-- +goose Up\n-- +goose NO TRANSACTION\n", err: true},
		{why: "a file name without a version", name: "init.sql", src: "-- +goose Up\n", err: true},
		{why: "version 0", name: "0000_init.sql", src: "-- +goose Up\n", err: true},
	}
	for _, c := range cases {
		m, err := Parse(c.name, []byte(c.src))
		if c.err {
			assert.Error(t, err, c.why)
			continue
		}
		require.NoError(t, err, c.why)
		assert.Equal(t, c.up, m.Up, c.why)
		assert.Equal(t, c.down, m.Down, c.why)
	}
}

func TestLoadAndRename(t *testing.T) {
	fsys := fstest.MapFS{
		"0002_b.sql": {Data: []byte("-- +goose Up\nCREATE INDEX app_x ON app_t (x);\n")},
		"0001_a.sql": {Data: []byte("-- +goose Up\nCREATE TABLE app_t (x INT);\n")},
		"README.md":  {Data: []byte("not a migration")},
	}
	ms, err := Load(fsys)
	require.NoError(t, err)
	require.Len(t, ms, 2, "only .sql files")
	assert.Equal(t, []int{1, 2}, []int{ms[0].Version, ms[1].Version}, "in version order")
	assert.Equal(t, "0001_a", ms[0].Name)

	renamed, err := Rename(fsys, map[string]string{"app_": "city_"})
	require.NoError(t, err)
	b, err := fs.ReadFile(renamed, "0002_b.sql")
	require.NoError(t, err)
	assert.Equal(t, "-- +goose Up\nCREATE INDEX city_x ON city_t (x);\n", string(b))
	_, err = fs.ReadFile(renamed, "README.md")
	assert.Error(t, err, "only the .sql files are copied")

	fsys["0002_c.sql"] = &fstest.MapFile{Data: []byte("-- +goose Up\nSELECT 1;\n")}
	_, err = Load(fsys)
	assert.Error(t, err, "two migrations with one version")
}
