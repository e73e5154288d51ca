package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aniworld/aniworld/internal/auth"
	"github.com/aniworld/aniworld/internal/config"
)

// AuthService is what the auth routes need from access control.
type AuthService interface {
	Configured() bool
	Setup(ctx context.Context, password string) error
	Login(ctx context.Context, password string, remember bool, client string) (auth.Session, error)
	Verify(ctx context.Context, token string) (auth.Claims, error)
	Revoke(ctx context.Context, token string) error
}

// AuthVerifier adapts an AuthService to the Gate.
type AuthVerifier struct{ Svc AuthService }

// Configured reports whether setup has happened.
func (v AuthVerifier) Configured() bool { return v.Svc.Configured() }

// VerifyToken checks a bearer token.
func (v AuthVerifier) VerifyToken(ctx context.Context, tok string) error {
	_, err := v.Svc.Verify(ctx, tok)
	return err
}

type setupInput struct {
	Body struct {
		MasterPassword string `json:"master_password" maxLength:"1024" doc:"At least 8 characters with upper case, lower case, a digit and a special character"`
		AnimeDirectory string `json:"anime_directory,omitempty" maxLength:"4096" doc:"Optional path to the anime folder; created if missing"`
	}
}

// StatusOK is {status:"ok"}.
type StatusOK struct {
	Status string `json:"status" example:"ok"`
}

type setupOutput struct {
	Status int
	Body   StatusOK
}

type loginInput struct {
	Body struct {
		Password string `json:"password" maxLength:"1024"`
		Remember bool   `json:"remember,omitempty" doc:"A long-lived token (security.remember_days) instead of the session timeout"`
	}
}

// LoginBody is the login answer: the current API's access_token and the
// older API's token carry the same value.
type LoginBody struct {
	AccessToken string `json:"access_token"`
	Token       string `json:"token" doc:"Same as access_token (older clients)"`
	TokenType   string `json:"token_type" example:"bearer"`
	ExpiresAt   string `json:"expires_at" doc:"RFC 3339, UTC"`
	ExpiresIn   int64  `json:"expires_in" doc:"Seconds until expiry"`
}

type loginOutput struct{ Body LoginBody }

type bearerInput struct {
	Authorization string `header:"Authorization" doc:"Bearer <token>, optional"`
}

// LogoutBody answers logout with the fields of both API versions.
type LogoutBody struct {
	Status  string `json:"status" example:"ok"`
	Success bool   `json:"success"`
	Message string `json:"message"`
}

type logoutOutput struct{ Body LogoutBody }

// AuthStatusBody answers GET /api/auth/status (the fields of both API versions).
type AuthStatusBody struct {
	Configured    bool `json:"configured"`
	Authenticated bool `json:"authenticated"`
	TokenValid    bool `json:"token_valid"`
}

type authStatusOutput struct{ Body AuthStatusBody }

// authHandlers are /api/auth/* (rows in routes.go); cfg receives the
// optional anime_directory from setup.
type authHandlers struct {
	svc AuthService
	cfg *config.Manager
}

// Descriptions of the auth operations.
const (
	docAuthSetup  = "Answers 400 when a master password is already configured, or when the password fails the policy (details lists each failed rule)."
	docAuthLogin  = "After 5 failed attempts from one client address within the window, further attempts answer 429 with Retry-After until the lockout ends."
	docAuthLogout = "Revokes the token it is given (persisted; survives restarts). Without a token it still answers 200."
	docAuthStatus = "Never answers 401: an anonymous caller gets authenticated:false."
)

func (h authHandlers) setup(ctx context.Context, in *setupInput) (*setupOutput, error) {
	if h.svc.Configured() {
		return nil, NewError(http.StatusBadRequest, CodeValidation, "Master password already configured", nil)
	}
	// Validate before acting: a refused password must not leave the
	// directory it names behind.
	if failed := auth.CheckPolicy(in.Body.MasterPassword); len(failed) > 0 {
		return nil, policyError(&auth.PolicyError{Failed: failed})
	}
	dir := strings.TrimSpace(in.Body.AnimeDirectory)
	if dir != "" {
		abs, err := config.CheckDirectory(dir, true)
		if err != nil {
			return nil, NewError(http.StatusBadRequest, CodeValidation, "anime_directory: "+err.Error(),
				map[string]any{"field": "anime_directory"})
		}
		dir = abs
	}
	if err := h.svc.Setup(ctx, in.Body.MasterPassword); err != nil {
		var pe *auth.PolicyError
		switch {
		case errors.As(err, &pe):
			return nil, policyError(pe)
		case errors.Is(err, auth.ErrAlreadyConfigured):
			return nil, NewError(http.StatusBadRequest, CodeValidation, "Master password already configured", nil)
		}
		return nil, err
	}
	if dir != "" && h.cfg != nil {
		if _, err := h.cfg.Update(func(c *config.AppConfig) error { c.AnimeDirectory = dir; return nil }); err != nil {
			return nil, fmt.Errorf("save anime_directory: %w", err)
		}
	}
	return &setupOutput{Status: http.StatusCreated, Body: StatusOK{Status: "ok"}}, nil
}

func (h authHandlers) login(ctx context.Context, in *loginInput) (*loginOutput, error) {
	sess, err := h.svc.Login(ctx, in.Body.Password, in.Body.Remember, clientFrom(ctx))
	if err != nil {
		var le *auth.LockedError
		switch {
		case errors.As(err, &le):
			secs := auth.RetryAfterSeconds(le.RetryAfter)
			return nil, NewError(http.StatusTooManyRequests, CodeRateLimit,
				fmt.Sprintf("Too many failed login attempts; try again in %d seconds", secs),
				map[string]any{"retry_after": secs}).WithHeader("Retry-After", strconv.FormatInt(secs, 10))
		case errors.Is(err, auth.ErrNotConfigured):
			return nil, unauthorized("Setup required: no master password is configured yet. POST /api/auth/setup first.")
		case errors.Is(err, auth.ErrInvalidCredentials):
			return nil, unauthorized("Invalid password")
		}
		return nil, err
	}
	exp := sess.ExpiresAt.UTC()
	return &loginOutput{Body: LoginBody{
		AccessToken: sess.Token, Token: sess.Token, TokenType: "bearer",
		ExpiresAt: exp.Format(time.RFC3339), ExpiresIn: int64(time.Until(exp).Seconds()),
	}}, nil
}

func (h authHandlers) logout(ctx context.Context, in *bearerInput) (*logoutOutput, error) {
	if tok, ok := bearerFrom(in.Authorization); ok {
		if _, err := h.svc.Verify(ctx, tok); err == nil {
			if err := h.svc.Revoke(ctx, tok); errors.Is(err, auth.ErrRevocationNotPersisted) {
				// The token is dead in memory; only the restart-proof record failed.
				loggerFrom(ctx).WarnContext(ctx, "logout: revocation not persisted; retried later", "error", err)
			} else if err != nil {
				return nil, err
			}
		}
	}
	return &logoutOutput{Body: LogoutBody{Status: "ok", Success: true, Message: "Logged out successfully"}}, nil
}

func (h authHandlers) status(ctx context.Context, in *bearerInput) (*authStatusOutput, error) {
	b := AuthStatusBody{Configured: h.svc.Configured()}
	if tok, ok := bearerFrom(in.Authorization); ok {
		if _, err := h.svc.Verify(ctx, tok); err == nil {
			b.Authenticated, b.TokenValid = true, true
		}
	}
	return &authStatusOutput{Body: b}, nil
}

// policyError is the 400 for a master password that fails the policy.
func policyError(pe *auth.PolicyError) *Error {
	d := map[string]any{"field": "master_password", "failed_rules": pe.Details()}
	return NewError(http.StatusBadRequest, CodeValidation, pe.Error(), d)
}

func bearerFrom(h string) (string, bool) {
	r := http.Request{Header: http.Header{"Authorization": {h}}}
	return auth.BearerToken(&r)
}

type clientKey struct{}

// withClient stores the client address (from the socket, or from
// X-Forwarded-For when the peer is a trusted proxy) in the context.
func withClient(addr func(*http.Request) string) Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, addr(r))))
		})
	}
}

func clientFrom(ctx context.Context) string {
	s, _ := ctx.Value(clientKey{}).(string)
	return s
}
