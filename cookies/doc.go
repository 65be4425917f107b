// Package cookies makes signed, encrypted, PII-free cookies and session
// middleware for net/http.
package cookies
