package anime

// MaxKeyBytes caps a series key.
const MaxKeyBytes = 200

// ValidKey reports whether key is a provider slug, the identifier of a
// series everywhere ("attack-on-titan"): ASCII letters, digits and '-',
// starting with a letter or digit, at most MaxKeyBytes. It is the one slug
// check: providers, the library and markers all use it.
func ValidKey(key string) bool {
	if key == "" || len(key) > MaxKeyBytes || key[0] == '-' {
		return false
	}
	for i := 0; i < len(key); i++ {
		c := key[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
