package anime

import (
	"fmt"
	"strings"
)

// Language is an audio/subtitle combination as the site keys it
// (data-lang-key on episode pages).
type Language int

// The site's language keys.
const (
	LangUnknown    Language = 0
	LangGermanDub  Language = 1 // German audio
	LangEnglishSub Language = 2 // Japanese audio, English subtitles
	LangGermanSub  Language = 3 // Japanese audio, German subtitles
	LangEnglishDub Language = 4 // English audio
)

// DefaultLanguageOrder is the preference used when the config names none.
var DefaultLanguageOrder = []Language{LangGermanDub, LangGermanSub, LangEnglishSub}

var languageNames = map[Language]string{
	LangGermanDub:  "German Dub",
	LangEnglishSub: "English Sub",
	LangGermanSub:  "German Sub",
	LangEnglishDub: "English Dub",
}

// String is the human name used in file names and the API ("German Dub").
func (l Language) String() string {
	if n, ok := languageNames[l]; ok {
		return n
	}
	return fmt.Sprintf("Language(%d)", int(l))
}

// AudioISO is the ISO 639-2 code of the audio track ("deu", "jpn", "eng").
func (l Language) AudioISO() string {
	switch l {
	case LangGermanDub:
		return "deu"
	case LangEnglishDub:
		return "eng"
	case LangEnglishSub, LangGermanSub:
		return "jpn"
	}
	return "und"
}

// SubtitleISO is the ISO 639-2 code of burned-in subtitles, or "" for dubs.
func (l Language) SubtitleISO() string {
	switch l {
	case LangEnglishSub:
		return "eng"
	case LangGermanSub:
		return "deu"
	}
	return ""
}

// Valid reports whether l is one of the site's known keys.
func (l Language) Valid() bool { _, ok := languageNames[l]; return ok }

// languageNorm drops the separators ParseLanguage ignores; built once (a
// Replacer per call cost a quarter of the CPU of decoding a long series'
// cached season pages).
var languageNorm = strings.NewReplacer(" ", "", "-", "", "_", "")

// ParseLanguage accepts a key ("1"), a name ("German Dub", "german-dub",
// "german_dub", "gerdub") and answers the Language.
func ParseLanguage(s string) (Language, error) {
	norm := languageNorm.Replace(strings.ToLower(strings.TrimSpace(s)))
	switch norm {
	case "1", "germandub", "gerdub", "deutsch", "german", "ger":
		return LangGermanDub, nil
	case "2", "englishsub", "engsub":
		return LangEnglishSub, nil
	case "3", "germansub", "gersub":
		return LangGermanSub, nil
	case "4", "englishdub", "engdub", "english", "eng":
		return LangEnglishDub, nil
	}
	return LangUnknown, fmt.Errorf("%w: unknown language %q", ErrInvalid, s)
}

// MarshalText encodes a Language as its human name.
func (l Language) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes any form ParseLanguage accepts.
func (l *Language) UnmarshalText(b []byte) error {
	v, err := ParseLanguage(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}
