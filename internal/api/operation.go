package api

import (
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// opOption adjusts an operation built by op.
type opOption func(*huma.Operation)

// withDescription sets an operation's description.
func withDescription(text string) opOption { return func(op *huma.Operation) { op.Description = text } }

// withStatus sets an operation's success status.
func withStatus(code int) opOption { return func(op *huma.Operation) { op.DefaultStatus = code } }

// withErrors lists the error statuses an operation documents.
func withErrors(codes ...int) opOption { return func(op *huma.Operation) { op.Errors = codes } }

// withResponses documents responses beyond the generated ones (a file
// body, an extra status).
func withResponses(r map[string]*huma.Response) opOption {
	return func(op *huma.Operation) { op.Responses = r }
}

// withSecurity documents the credential an OwnAuth operation checks
// (a security scheme of the OpenAPI document).
func withSecurity(scheme string) opOption {
	return func(op *huma.Operation) { op.Security = []map[string][]string{{scheme: {}}} }
}

// op builds one row of the route table from its tag, operation id,
// route ("METHOD /path") and summary; wrap it in Public, Protected or
// OwnAuth to declare who may call it.
func op(tag, id, route, summary string, opts ...opOption) huma.Operation {
	method, path, _ := strings.Cut(route, " ")
	o := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag}}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}
