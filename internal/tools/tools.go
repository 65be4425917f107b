//go:build tools

package tools

import (
	_ "github.com/go-playground/validator/v10"
	_ "github.com/gorilla/securecookie"
)
