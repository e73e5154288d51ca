package download

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"time"

	"github.com/aniworld/aniworld/internal/anime"
	"github.com/aniworld/aniworld/internal/challenge"
)

const (
	maxPlaylistBytes = 16 << 20
	maxSegmentBytes  = 256 << 20
	checkpointEvery  = 2 * time.Second
)

// fetchHLS downloads every segment of the stream's (best variant's) media
// playlist into .part in order, resuming after the segments an earlier
// call recorded as done.
func (j *job) fetchHLS(ctx context.Context) (*state, error) {
	media, variant, err := j.loadMediaPlaylist(ctx)
	if err != nil {
		return nil, err
	}
	segs := media.Segments
	n := len(segs)
	fmp4, err := checkSegments(segs)
	if err != nil {
		return nil, err
	}
	if !media.EndList {
		j.warnings = append(j.warnings, fmt.Sprintf("playlist has no EXT-X-ENDLIST (live?): downloaded the %d listed segments", n))
	}
	j.media = variant.mediaInfo()

	f, size, err := j.openPart()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := j.resumeHLS(f, size, &state{Kind: anime.StreamHLS, Fingerprint: fingerprint(variant, media), Segments: n, FMP4: fmp4})
	if err != nil || st.Complete {
		return st, err
	}
	keys, err := j.fetchKeys(ctx, segs[st.Done:])
	if err != nil {
		return nil, err
	}

	// The remuxer follows the done prefix as the writer advances it.
	total := media.TotalDuration()
	j.live = j.startLive(ctx, j.plan(anime.StreamHLS, st.FMP4), st.Offset, total)
	j.prog.begin(st.Offset)
	werr := j.runSegments(ctx, segs, keys, st, f, j.hlsProgress(segs, st, total))
	if werr == nil && st.Done != n {
		werr = fmt.Errorf("%w: only %d of %d segments written", anime.ErrProvider, st.Done, n)
	}
	if werr != nil {
		// Record what is safely written so the next call resumes there.
		if serr := f.Sync(); serr == nil {
			_ = j.saveState(st)
		}
		return nil, werr
	}
	j.bytes = st.Offset
	if j.live != nil {
		// The remuxer's output, fsynced when it is committed, makes the
		// download durable; .part is deleted then. Only if the remux fails
		// is .part made durable and recorded complete (finish).
		j.live.complete(st.Offset)
		return st, nil
	}
	return st, j.markComplete(f, st)
}

// checkSegments refuses an empty playlist and encryption other than
// AES-128, and reports whether the stream is fMP4 (has EXT-X-MAP).
func checkSegments(segs []Segment) (fmp4 bool, err error) {
	if len(segs) == 0 {
		return false, fmt.Errorf("%w: hls playlist has no segments", anime.ErrProvider)
	}
	for _, s := range segs {
		if err := checkKey(s.Key); err != nil {
			return false, err
		}
		if s.Map != nil {
			fmp4 = true
			if err := checkKey(s.Map.Key); err != nil {
				return false, err
			}
		}
	}
	return fmp4, nil
}

// resumeHLS picks up the recorded state when it describes the same
// playlist (fingerprint, segment count) and .part holds its done prefix,
// else starts from fresh; .part is cut to the recorded offset. A state
// that is Complete needs nothing more fetched; otherwise it is saved as
// not complete.
func (j *job) resumeHLS(f File, size int64, fresh *state) (*state, error) {
	n := fresh.Segments
	st := j.loadState()
	if st != nil && st.Kind == anime.StreamHLS && st.Fingerprint == fresh.Fingerprint && st.Segments == n &&
		st.Done >= 0 && st.Done <= n && st.Offset >= 0 && size >= st.Offset {
		j.resumed = st.Done > 0
	} else {
		st = fresh
	}
	if err := resetPart(f, st.Offset, filepath.Base(j.part)); err != nil {
		return nil, err
	}
	if st.Complete && st.Done == n {
		j.bytes = st.Offset
		return st, nil
	}
	st.Complete = false
	if err := j.saveState(st); err != nil {
		return nil, err
	}
	return st, nil
}

// hlsProgress is the callback runSegments calls as segment i joins the
// done prefix: progress by duration (by count when durations are
// unknown), and the live remuxer fed up to the prefix.
func (j *job) hlsProgress(segs []Segment, st *state, total float64) func(i int) {
	doneDur := 0.0
	for _, s := range segs[:st.Done] {
		doneDur += s.Duration
	}
	return func(i int) {
		doneDur += segs[i].Duration
		pct := float64(st.Done) / float64(len(segs)) * 100
		if total > 0 {
			pct = doneDur / total * 100
		}
		var est int64
		if pct > 0 {
			est = int64(float64(st.Offset) / pct * 100)
		}
		j.prog.update(st.Offset, est, pct)
		if j.live != nil {
			j.live.advance(st.Offset)
		}
	}
}

// markComplete fsyncs the whole .part and records it as complete, so a
// later call skips straight to finishing.
func (j *job) markComplete(f File, st *state) error {
	if err := f.Sync(); err != nil {
		return wrapWrite(filepath.Base(j.part), err)
	}
	st.Complete = true
	return j.saveState(st)
}

// fetchSegment downloads segment i (preceded by its init section when the
// map changes there) into buf, decrypted.
func (j *job) fetchSegment(ctx context.Context, segs []Segment, i int, keys map[string][]byte, buf *bytes.Buffer) error {
	seg := segs[i]
	if m := seg.Map; m != nil && (i == 0 || segs[i-1].Map != m) {
		if err := j.fetchInto(ctx, m.URI, m.Range, buf, m.Key, keys, m.Sequence); err != nil {
			return fmt.Errorf("init section: %w", err)
		}
	}
	if err := j.fetchInto(ctx, seg.URI, seg.Range, buf, seg.Key, keys, seg.Sequence); err != nil {
		return fmt.Errorf("segment %d: %w", i, err)
	}
	return nil
}

// fetchInto appends one (decrypted) resource to buf, retrying transient
// failures.
func (j *job) fetchInto(ctx context.Context, uri string, rng *ByteRange, buf *bytes.Buffer, key *Key, keys map[string][]byte, seq int64) error {
	mark := buf.Len()
	err := j.e.retry(ctx, func() error {
		buf.Truncate(mark)
		var extra http.Header
		if rng != nil {
			extra = http.Header{"Range": {rng.Header()}}
		}
		resp, err := j.get(ctx, uri, extra)
		if err != nil {
			return err
		}
		defer resp.close()
		var body io.Reader = resp
		limit := int64(maxSegmentBytes)
		if rng != nil {
			if resp.StatusCode == http.StatusOK { // range ignored: skip to it
				if _, err := io.CopyN(io.Discard, resp, rng.Offset); err != nil {
					return fmt.Errorf("read body: %w", err)
				}
			}
			limit = rng.Length
			body = io.LimitReader(resp, rng.Length)
		}
		if resp.ContentLength > maxSegmentBytes {
			return permanent(fmt.Errorf("%w: segment of %d bytes is too large", anime.ErrProvider, resp.ContentLength))
		}
		if resp.ContentLength > 0 && resp.ContentLength <= limit {
			buf.Grow(int(resp.ContentLength))
		}
		got, err := buf.ReadFrom(io.LimitReader(body, limit+1))
		if err != nil {
			return fmt.Errorf("read body: %w", err)
		}
		if rng == nil && got > limit {
			return permanent(fmt.Errorf("%w: segment larger than %d bytes", anime.ErrProvider, limit))
		}
		if rng != nil && got != rng.Length {
			return fmt.Errorf("read body: %w: %d of %d range bytes", io.ErrUnexpectedEOF, got, rng.Length)
		}
		return nil
	})
	if err != nil || key == nil {
		return err
	}
	plain, err := decryptAES128(buf.Bytes()[mark:], keys[key.URI], ivFor(key, seq))
	if err != nil {
		return permanent(err)
	}
	buf.Truncate(mark + len(plain))
	return nil
}

// loadMediaPlaylist fetches the stream URL and, for a master playlist, the
// best variant's media playlist.
func (j *job) loadMediaPlaylist(ctx context.Context) (*MediaPlaylist, Variant, error) {
	pl, err := j.fetchPlaylist(ctx, j.stream.URL)
	if err != nil {
		return nil, Variant{}, err
	}
	if pl.Media != nil {
		return pl.Media, Variant{}, nil
	}
	v := pl.Master.BestVariant()
	pl, err = j.fetchPlaylist(ctx, v.URI)
	if err != nil {
		return nil, Variant{}, fmt.Errorf("variant playlist: %w", err)
	}
	if pl.Media == nil {
		return nil, Variant{}, fmt.Errorf("%w: variant is itself a master playlist", anime.ErrProvider)
	}
	return pl.Media, v, nil
}

func (j *job) fetchPlaylist(ctx context.Context, uri string) (*Playlist, error) {
	var pl *Playlist
	err := j.e.retry(ctx, func() error {
		resp, err := j.get(ctx, uri, nil)
		if err != nil {
			return err
		}
		defer resp.close()
		data, err := io.ReadAll(io.LimitReader(resp, maxPlaylistBytes))
		if err != nil {
			return fmt.Errorf("read playlist: %w", err)
		}
		p, err := ParsePlaylist(data, finalURL(resp.Response, uri))
		if err != nil {
			if kind := challenge.Detect(resp.StatusCode, resp.Header, data); kind != challenge.None {
				return permanent(fmt.Errorf("%w: playlist request answered with a %s challenge page at %s", anime.ErrChallenge, kind, finalURL(resp.Response, uri).Hostname()))
			}
			return permanent(err)
		}
		pl = p
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("playlist: %w", err)
	}
	return pl, nil
}

// fetchKeys downloads every distinct AES-128 key the segments use.
func (j *job) fetchKeys(ctx context.Context, segs []Segment) (map[string][]byte, error) {
	keys := map[string][]byte{}
	for _, s := range segs {
		for _, k := range []*Key{s.Key, mapKey(s.Map)} {
			if k == nil {
				continue
			}
			if _, ok := keys[k.URI]; ok {
				continue
			}
			var buf bytes.Buffer
			if err := j.fetchInto(ctx, k.URI, nil, &buf, nil, nil, 0); err != nil {
				return nil, fmt.Errorf("hls key: %w", err)
			}
			if buf.Len() != 16 {
				return nil, fmt.Errorf("%w: hls key is %d bytes, want 16", anime.ErrProvider, buf.Len())
			}
			keys[k.URI] = buf.Bytes()
		}
	}
	return keys, nil
}

func mapKey(m *Map) *Key {
	if m == nil {
		return nil
	}
	return m.Key
}

func checkKey(k *Key) error {
	if k == nil {
		return nil
	}
	if k.Method != "AES-128" {
		return fmt.Errorf("%w: hls encryption %q is not supported", anime.ErrUnavailable, k.Method)
	}
	if k.URI == "" {
		return fmt.Errorf("%w: AES-128 key without URI", anime.ErrProvider)
	}
	return nil
}

// ivFor is the key's explicit IV or the media sequence number as a
// 128-bit big-endian integer.
func ivFor(k *Key, seq int64) []byte {
	if k.IV != nil {
		return k.IV
	}
	iv := make([]byte, 16)
	binary.BigEndian.PutUint64(iv[8:], uint64(seq))
	return iv
}

// decryptAES128 decrypts AES-128-CBC with PKCS#7 padding in place and
// returns the plaintext (a prefix of data).
func decryptAES128(data, key, iv []byte) ([]byte, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("%w: aes key: %v", anime.ErrProvider, err)
	}
	if len(data) == 0 || len(data)%aes.BlockSize != 0 {
		return nil, fmt.Errorf("%w: encrypted segment of %d bytes is not a multiple of 16", anime.ErrProvider, len(data))
	}
	cipher.NewCBCDecrypter(block, iv).CryptBlocks(data, data)
	pad := int(data[len(data)-1])
	if pad == 0 || pad > aes.BlockSize {
		return nil, fmt.Errorf("%w: bad padding after decryption (wrong key?)", anime.ErrProvider)
	}
	for _, b := range data[len(data)-pad:] {
		if int(b) != pad {
			return nil, fmt.Errorf("%w: bad padding after decryption (wrong key?)", anime.ErrProvider)
		}
	}
	return data[:len(data)-pad], nil
}

// fingerprint identifies a media playlist independent of its (often
// signed, expiring) URLs, so a re-extracted stream resumes too.
func fingerprint(v Variant, m *MediaPlaylist) string {
	h := sha256.New()
	fmt.Fprintf(h, "bw=%d res=%dx%d seq=%d n=%d\n", v.Bandwidth, v.Width, v.Height, m.MediaSequence, len(m.Segments))
	for _, s := range m.Segments {
		fmt.Fprintf(h, "%.3f %t %t", s.Duration, s.Key != nil, s.Map != nil)
		if s.Range != nil {
			fmt.Fprintf(h, " %d@%d", s.Range.Length, s.Range.Offset)
		}
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}
