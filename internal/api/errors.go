package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/danielgtaylor/huma/v2"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/config"
	"github.com/aniworld/aniworld/internal/logging"
)

// Error codes of the API (the current ones, plus those older clients know).
const (
	CodeAuthentication = "AUTHENTICATION_ERROR"
	CodeAuthorization  = "AUTHORIZATION_ERROR"
	CodeValidation     = "VALIDATION_ERROR"
	CodeBadRequest     = "BAD_REQUEST"
	CodeNotFound       = "NOT_FOUND_ERROR"
	CodeMethod         = "METHOD_NOT_ALLOWED"
	CodeConflict       = "CONFLICT_ERROR"
	CodeTooLarge       = "PAYLOAD_TOO_LARGE"
	CodeRateLimit      = "RATE_LIMIT_ERROR"
	CodeInternal       = "INTERNAL_SERVER_ERROR"
	CodeProvider       = "PROVIDER_ERROR"
	CodeDownload       = "DOWNLOAD_ERROR"
	CodeDatabase       = "DATABASE_ERROR"
	CodeConfiguration  = "CONFIGURATION_ERROR"
	CodeUnavailable    = "SERVICE_UNAVAILABLE"
)

// Error is the one error body of the API:
// {success:false, error, message, details, request_id}.
type Error struct {
	Status    int            `json:"-"`
	Success   bool           `json:"success"`
	Code      string         `json:"error" example:"VALIDATION_ERROR" doc:"Machine-readable error code"`
	Message   string         `json:"message" doc:"Human-readable message"`
	Details   map[string]any `json:"details" doc:"Additional context"`
	RequestID string         `json:"request_id" doc:"Equals the X-Request-ID response header"`
	headers   http.Header
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// GetStatus implements huma.StatusError.
func (e *Error) GetStatus() int { return e.Status }

// GetHeaders implements huma.HeadersError.
func (e *Error) GetHeaders() http.Header { return e.headers }

// WithHeader adds a response header (Retry-After, WWW-Authenticate, ...).
func (e *Error) WithHeader(k, v string) *Error {
	if e.headers == nil {
		e.headers = http.Header{}
	}
	e.headers.Set(k, v)
	return e
}

// NewError builds an error body for status with an explicit code.
func NewError(status int, code, msg string, details map[string]any) *Error {
	if details == nil {
		details = map[string]any{}
	}
	return &Error{Status: status, Code: code, Message: msg, Details: details}
}

// codeFor is the default code of an HTTP status.
func codeFor(status int) string {
	switch status {
	case http.StatusBadRequest:
		return CodeBadRequest
	case http.StatusUnauthorized:
		return CodeAuthentication
	case http.StatusForbidden:
		return CodeAuthorization
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethod
	case http.StatusConflict:
		return CodeConflict
	case http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case http.StatusUnprocessableEntity:
		return CodeValidation
	case http.StatusTooManyRequests:
		return CodeRateLimit
	case http.StatusBadGateway:
		return CodeProvider
	case http.StatusServiceUnavailable:
		return CodeUnavailable
	}
	if status >= 500 {
		return CodeInternal
	}
	return CodeBadRequest
}

// FromError maps any error to the API error body: *Error passes through;
// the sentinel errors of package anime get their status; everything else
// is a 500 whose cause goes to the log only.
func FromError(ctx context.Context, log *slog.Logger, err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var ve *config.ValidationError
	if errors.As(err, &ve) {
		return validationError("Invalid configuration", ve.Errors)
	}
	msg := err.Error()
	switch {
	case errors.Is(err, anime.ErrNotFound):
		return NewError(http.StatusNotFound, CodeNotFound, msg, nil)
	case errors.Is(err, anime.ErrConflict):
		return NewError(http.StatusConflict, CodeConflict, msg, nil)
	case errors.Is(err, anime.ErrInvalid):
		return NewError(http.StatusUnprocessableEntity, CodeValidation, msg, nil)
	case errors.Is(err, anime.ErrUnauthorized):
		return NewError(http.StatusUnauthorized, CodeAuthentication, msg, nil).WithHeader("WWW-Authenticate", `Bearer`)
	case errors.Is(err, anime.ErrForbidden):
		return NewError(http.StatusForbidden, CodeAuthorization, msg, nil)
	case errors.Is(err, anime.ErrRateLimited):
		return NewError(http.StatusTooManyRequests, CodeRateLimit, msg, nil)
	case errors.Is(err, anime.ErrChallenge):
		return NewError(http.StatusServiceUnavailable, CodeProvider, "The provider answered with an anti-bot challenge: "+msg, map[string]any{"reason": "challenge"})
	case errors.Is(err, anime.ErrProvider):
		return NewError(http.StatusBadGateway, CodeProvider, msg, nil)
	case errors.Is(err, anime.ErrUnavailable):
		return NewError(http.StatusServiceUnavailable, CodeUnavailable, msg, nil)
	case errors.Is(err, context.DeadlineExceeded):
		return NewError(http.StatusServiceUnavailable, CodeUnavailable, "The operation timed out", nil)
	}
	if log != nil {
		log.ErrorContext(ctx, "internal error", "error", err)
	}
	return NewError(http.StatusInternalServerError, CodeInternal, "An internal error occurred. The server log has details; quote the request id.", nil)
}

func validationError(msg string, fe config.FieldErrors) *Error {
	list := make([]map[string]any, len(fe))
	for i, e := range fe {
		list[i] = map[string]any{"field": e.Field, "message": e.Message}
	}
	d := map[string]any{"errors": list}
	if len(fe) > 0 {
		d["field"] = fe[0].Field
	}
	return NewError(http.StatusUnprocessableEntity, CodeValidation, msg+": "+fe.Error(), d)
}

// hookErrors makes huma produce the contract's error body. huma exposes
// its error constructors as package variables, so this is done once per
// process; the logger used for 500s comes from the request context.
var hookOnce sync.Once

func hookErrors() {
	hookOnce.Do(func() {
		huma.NewErrorWithContext = func(hctx huma.Context, status int, msg string, errs ...error) huma.StatusError {
			var ctx context.Context = context.Background()
			if hctx != nil {
				ctx = hctx.Context()
			}
			return humaError(ctx, status, msg, errs...)
		}
		huma.NewError = func(status int, msg string, errs ...error) huma.StatusError {
			return humaError(context.Background(), status, msg, errs...)
		}
	})
}

func humaError(ctx context.Context, status int, msg string, errs ...error) huma.StatusError {
	// A handler's own error arrives as 500 "unexpected error occurred".
	if status == http.StatusInternalServerError && len(errs) == 1 {
		e := FromError(ctx, loggerFrom(ctx), errs[0])
		e.RequestID = logging.RequestID(ctx)
		return e
	}
	e := NewError(status, codeFor(status), msg, nil)
	if status == http.StatusBadRequest && strings.Contains(strings.ToLower(msg), "unmarshal") {
		e.Message = "Malformed JSON in request body"
	}
	var fields []map[string]any
	for _, err := range errs {
		var d *huma.ErrorDetail
		if errors.As(err, &d) {
			field := strings.TrimPrefix(strings.TrimPrefix(d.Location, "body."), "query.")
			fields = append(fields, map[string]any{"field": field, "location": d.Location, "message": d.Message})
			continue
		}
		if status >= 500 {
			loggerFrom(ctx).ErrorContext(ctx, "internal error", "error", err)
			continue
		}
		fields = append(fields, map[string]any{"message": err.Error()})
	}
	if len(fields) > 0 {
		e.Details["errors"] = fields
		if f, ok := fields[0]["field"]; ok {
			e.Details["field"] = f
			e.Message = msg + ": " + f.(string) + " " + fields[0]["message"].(string)
		}
	}
	if status == http.StatusUnprocessableEntity && msg == "validation failed" {
		e.Message = "Request validation failed" + strings.TrimPrefix(e.Message, "validation failed")
	}
	if status >= 500 {
		e.Message = "An internal error occurred. The server log has details; quote the request id."
	}
	e.RequestID = logging.RequestID(ctx)
	return e
}

// WriteError writes err in the contract's body, outside huma (middleware,
// catch-all routes). Headers carried by the error are set first.
func WriteError(w http.ResponseWriter, r *http.Request, err *Error) {
	for k, vs := range err.headers {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	err.RequestID = logging.RequestID(r.Context())
	if err.Details == nil {
		err.Details = map[string]any{}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(err.Status)
	_ = json.NewEncoder(w).Encode(err)
}

type loggerKey struct{}

func withLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey{}, l)
}

func loggerFrom(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(loggerKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.Default()
}
