package api

import "github.com/danielgtaylor/huma/v2"

// opOption adjusts an operation built by operation.
type opOption func(*huma.Operation)

// withDescription sets an operation's description.
func withDescription(text string) opOption { return func(op *huma.Operation) { op.Description = text } }

// withStatus sets an operation's success status.
func withStatus(code int) opOption { return func(op *huma.Operation) { op.DefaultStatus = code } }

// withErrors lists the error statuses an operation documents.
func withErrors(codes ...int) opOption { return func(op *huma.Operation) { op.Errors = codes } }

// operation builds one row of a route table; wrap it in Public or
// Protected to declare who may call it.
func operation(tags []string, id, method, path, summary string, opts ...opOption) huma.Operation {
	op := huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: tags}
	for _, o := range opts {
		o(&op)
	}
	return op
}
