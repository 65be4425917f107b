// Package pii is the vocabulary and protection of personal data.
package pii
