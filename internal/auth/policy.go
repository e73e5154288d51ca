package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/aniworld/aniworld/internal/anime"
)

// MinPasswordLength is the shortest master password the policy accepts,
// counted in characters (runes), not bytes.
const MinPasswordLength = 8

// MaxPasswordLength caps the master password in bytes so that a huge body
// cannot make hashing expensive; argon2 itself has no practical limit.
const MaxPasswordLength = 1024

// Rule is one password-policy requirement a password failed. Name is a
// stable machine name for clients; Message is readable English.
type Rule struct {
	Name    string `json:"rule"`
	Message string `json:"message"`
}

// The password-policy rules, in the order CheckPolicy reports them.
var (
	RuleMinLength = Rule{Name: "min_length", Message: "must be at least 8 characters long"}
	RuleMaxLength = Rule{Name: "max_length", Message: "must be at most 1024 bytes long"}
	RuleUpper     = Rule{Name: "uppercase", Message: "must contain an uppercase letter"}
	RuleLower     = Rule{Name: "lowercase", Message: "must contain a lowercase letter"}
	RuleDigit     = Rule{Name: "digit", Message: "must contain a digit"}
	RuleSpecial   = Rule{Name: "special", Message: "must contain a special character (not a letter, digit or space)"}
	RuleUTF8      = Rule{Name: "utf8", Message: "must be valid UTF-8"}
)

// CheckPolicy returns the rules pw fails, in a stable order; an empty
// result means pw is acceptable. The password itself never appears in the
// result.
func CheckPolicy(pw string) []Rule {
	if !utf8.ValidString(pw) {
		return []Rule{RuleUTF8}
	}
	var failed []Rule
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		failed = append(failed, RuleMinLength)
	}
	if len(pw) > MaxPasswordLength {
		failed = append(failed, RuleMaxLength)
	}
	var upper, lower, digit, special bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case unicode.IsLetter(r), unicode.IsSpace(r), unicode.IsControl(r):
			// letters without case (e.g. CJK) count as neither; spaces and
			// control characters are allowed but are not "special".
		default:
			special = true
		}
	}
	if !upper {
		failed = append(failed, RuleUpper)
	}
	if !lower {
		failed = append(failed, RuleLower)
	}
	if !digit {
		failed = append(failed, RuleDigit)
	}
	if !special {
		failed = append(failed, RuleSpecial)
	}
	return failed
}

// PolicyError reports a master password that fails the policy. It wraps
// anime.ErrInvalid; Failed lists the rules for an API error's details.
type PolicyError struct {
	Failed []Rule
}

// Error lists the failed rules by message; it never contains the password.
func (e *PolicyError) Error() string {
	msgs := make([]string, len(e.Failed))
	for i, r := range e.Failed {
		msgs[i] = r.Message
	}
	return "password does not meet the policy: " + strings.Join(msgs, "; ")
}

// Unwrap makes errors.Is(err, anime.ErrInvalid) true.
func (e *PolicyError) Unwrap() error { return anime.ErrInvalid }

// Details returns the failed rules as a map for an API error's details
// field: rule name -> message.
func (e *PolicyError) Details() map[string]string {
	m := make(map[string]string, len(e.Failed))
	for _, r := range e.Failed {
		m[r.Name] = r.Message
	}
	return m
}
