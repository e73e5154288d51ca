package auth

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aniworld/aniworld/internal/anime"
)

func TestCheckPolicy(t *testing.T) {
	for _, tc := range []struct {
		name string
		pw   string
		want []Rule
	}{
		{"good", "Corr3ct-Horse!", nil},
		{"exactly eight", "Ab1!abcd", nil},
		{"unicode letters count", "Äpfel-1ß", nil},
		{"empty", "", []Rule{RuleMinLength, RuleUpper, RuleLower, RuleDigit, RuleSpecial}},
		{"seven", "Ab1!abc", []Rule{RuleMinLength}},
		{"eight runes, more bytes", "Ä1!ääää", []Rule{RuleMinLength}},
		{"no upper", "corr3ct-horse!", []Rule{RuleUpper}},
		{"no lower", "CORR3CT-HORSE!", []Rule{RuleLower}},
		{"no digit", "Correct-Horse!", []Rule{RuleDigit}},
		{"no special", "Corr3ctHorse", []Rule{RuleSpecial}},
		{"space is not special", "Corr3ct Horse", []Rule{RuleSpecial}},
		{"only digits", "1234567890", []Rule{RuleUpper, RuleLower, RuleSpecial}},
		{"too long", "Aa1!" + strings.Repeat("x", MaxPasswordLength), []Rule{RuleMaxLength}},
		{"invalid utf8", "Ab1!abcd\xff", []Rule{RuleUTF8}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := CheckPolicy(tc.pw)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("CheckPolicy = %v; want %v", got, tc.want)
			}
		})
	}
}

func TestPolicyError(t *testing.T) {
	const pw = "weakling"
	err := error(&PolicyError{Failed: CheckPolicy(pw)})
	if !errors.Is(err, anime.ErrInvalid) {
		t.Fatal("PolicyError does not wrap ErrInvalid")
	}
	if strings.Contains(err.Error(), pw) {
		t.Fatalf("error contains the password: %v", err)
	}
	var pe *PolicyError
	if !errors.As(err, &pe) || len(pe.Details()) != 3 || pe.Details()["digit"] == "" {
		t.Fatalf("details = %v", pe.Details())
	}
}
