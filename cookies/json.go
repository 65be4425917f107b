package cookies

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// jsonable converts the map[any]any that gorilla/sessions keeps its values
// in (and the same map nested) to map[string]any, which encoding/json can
// encode. Keys must be strings. Anything else is returned as it is.
func jsonable(v any) any {
	switch m := v.(type) {
	case map[any]any:
		out := make(map[string]any, len(m))
		for k, e := range m {
			ks, ok := k.(string)
			if !ok {
				return unsupportedKey{}
			}
			out[ks] = jsonable(e)
		}
		return out
	case *map[any]any:
		if m == nil {
			return nil
		}
		return jsonable(*m)
	}
	return v
}

// unsupportedKey fails JSON encoding with a message that names no value.
type unsupportedKey struct{}

func (unsupportedKey) MarshalJSON() ([]byte, error) {
	return nil, fmt.Errorf("map[any]any keys must be strings")
}

// unjson decodes JSON into dst, filling a *map[any]any through a
// map[string]any.
func unjson(b []byte, dst any) error {
	if m, ok := dst.(*map[any]any); ok {
		var tmp map[string]any
		if err := json.Unmarshal(b, &tmp); err != nil {
			return err
		}
		if *m == nil {
			*m = make(map[any]any, len(tmp))
		}
		for k, v := range tmp {
			(*m)[k] = v
		}
		return nil
	}
	// Decode into a fresh value so dst is unchanged on error.
	t := reflect.TypeOf(dst).Elem()
	nv := reflect.New(t)
	if err := json.Unmarshal(b, nv.Interface()); err != nil {
		return err
	}
	reflect.ValueOf(dst).Elem().Set(nv.Elem())
	return nil
}
