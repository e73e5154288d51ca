package download

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/aniworld/aniworld/internal/anime"
)

const (
	copyBufferSize = 256 << 10
	writebackChunk = 8 << 20 // start disk writeback after every 8 MiB
)

// fetchMP4 streams a progressive file into .part, resuming with Range from
// the bytes already there (from an earlier call or a cut connection in this
// one). It returns the completed state.
func (j *job) fetchMP4(ctx context.Context) (*state, error) {
	f, size, err := j.openPart()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	name := filepath.Base(j.part)

	st := j.loadState()
	var offset int64
	if st != nil && st.Kind == anime.StreamMP4 && size > 0 && (st.Size <= 0 || size <= st.Size) {
		offset = size
		j.resumed = true
	} else {
		st = &state{Kind: anime.StreamMP4}
	}
	if err := resetPart(f, offset, name); err != nil {
		return nil, err
	}
	if st.Complete && st.Size > 0 && offset == st.Size {
		return st, nil
	}
	st.Complete = false

	buf := make([]byte, copyBufferSize)
	j.prog.begin(offset)
	attempt := 0
	restarted := false
	for {
		before := offset
		done, err := j.mp4Attempt(ctx, f, st, &offset, buf, &restarted)
		if done {
			break
		}
		if err == nil {
			continue // restart requested without an error (file changed)
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		if offset > before {
			attempt = 0 // progress was made: the retry budget is per stall, not per file
		}
		if !retryable(err) || attempt >= j.e.policy.Retries {
			return nil, fmt.Errorf("download %s: %w", j.stream.Hoster, err)
		}
		if berr := j.e.backoff(ctx, attempt, err); berr != nil {
			return nil, fmt.Errorf("%w (%w)", berr, err)
		}
		attempt++
	}
	if err := f.Sync(); err != nil {
		return nil, wrapWrite(name, err)
	}
	st.Size, st.Complete = offset, true
	if err := j.saveState(st); err != nil {
		return nil, err
	}
	j.bytes = offset
	return st, nil
}

// mp4Attempt makes one request from *offset and copies what arrives. It
// reports done when the whole file is in .part.
func (j *job) mp4Attempt(ctx context.Context, f File, st *state, offset *int64, buf []byte, restarted *bool) (bool, error) {
	name := filepath.Base(j.part)
	resp, err := j.get(ctx, j.stream.URL, resumeHeaders(st, *offset))
	if err != nil {
		var se *StatusError
		if errors.As(err, &se) && se.Code == http.StatusRequestedRangeNotSatisfiable && *offset > 0 {
			if st.Size > 0 && *offset == st.Size {
				return true, nil // everything was already there
			}
			if *restarted {
				return false, permanent(err)
			}
			*restarted = true
			*offset = 0
			return false, resetPart(f, 0, name)
		}
		return false, err
	}
	defer resp.close()
	if *offset == 0 && isPlaylistType(resp.Header.Get("Content-Type")) {
		return false, permanent(errIsPlaylist)
	}
	total, again, err := j.mp4Accept(f, st, offset, resp)
	if again || err != nil {
		return false, err
	}
	if err := j.recordValidators(st, resp, total, *offset); err != nil {
		return false, err
	}
	if err := j.mp4Copy(ctx, f, resp, offset, total, buf); err != nil {
		return false, err
	}
	if total < 0 {
		st.Size = *offset
	}
	return true, nil
}

// resumeHeaders asks for the bytes from offset on, if the file is still
// the one whose validators st recorded.
func resumeHeaders(st *state, offset int64) http.Header {
	extra := http.Header{}
	if offset > 0 {
		extra.Set("Range", fmt.Sprintf("bytes=%d-", offset))
		if st.ETag != "" && !strings.HasPrefix(st.ETag, "W/") {
			extra.Set("If-Range", st.ETag)
		} else if st.LastModified != "" {
			extra.Set("If-Range", st.LastModified)
		}
	}
	return extra
}

// mp4Accept checks the response against what .part holds: a 206 must
// continue at *offset, a 200 (Range ignored, If-Range failed) restarts the
// file. It answers the announced total (-1 when unknown), and again when
// .part was reset because the remote file changed size.
func (j *job) mp4Accept(f File, st *state, offset *int64, resp *response) (total int64, again bool, err error) {
	name := filepath.Base(j.part)
	switch resp.StatusCode {
	case http.StatusPartialContent:
		start, _, t, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok {
			return 0, false, permanent(fmt.Errorf("%w: bad Content-Range %q", anime.ErrProvider, resp.Header.Get("Content-Range")))
		}
		if start != *offset {
			if start != 0 {
				return 0, false, permanent(fmt.Errorf("%w: server sent range from %d, asked %d", anime.ErrProvider, start, *offset))
			}
			*offset, j.resumed = 0, false
			if err := resetPart(f, 0, name); err != nil {
				return 0, false, err
			}
		}
		if st.Size > 0 && t >= 0 && t != st.Size {
			// The remote file changed size: what we have is of another file.
			*offset, j.resumed, st.Size = 0, false, t
			return 0, true, resetPart(f, 0, name)
		}
		return t, false, nil
	case http.StatusOK:
		if *offset > 0 {
			// Range ignored (or If-Range failed): the body is the whole file.
			*offset, j.resumed = 0, false
			if err := resetPart(f, 0, name); err != nil {
				return 0, false, err
			}
		}
		return resp.ContentLength, false, nil
	}
	return 0, false, permanent(fmt.Errorf("%w: unexpected status %d", anime.ErrProvider, resp.StatusCode))
}

// recordValidators saves the size, ETag and Last-Modified a later resume
// checks, when they changed.
func (j *job) recordValidators(st *state, resp *response, total, offset int64) error {
	if total >= 0 && (st.Size != total || st.ETag != resp.Header.Get("ETag") || st.LastModified != resp.Header.Get("Last-Modified")) {
		st.Size, st.ETag, st.LastModified = total, resp.Header.Get("ETag"), resp.Header.Get("Last-Modified")
		return j.saveState(st)
	}
	if total < 0 && offset == 0 {
		st.Size = 0
		return j.saveState(st)
	}
	return nil
}

// mp4Copy appends the body to .part from *offset, never past total, and
// fails on a body shorter than total.
func (j *job) mp4Copy(ctx context.Context, f File, resp *response, offset *int64, total int64, buf []byte) error {
	name := filepath.Base(j.part)
	kicked := *offset
	for {
		n, rerr := resp.Read(buf)
		if n > 0 {
			if total >= 0 && *offset+int64(n) > total {
				return permanent(fmt.Errorf("%w: body longer than announced %d bytes", anime.ErrProvider, total))
			}
			if _, err := f.Write(buf[:n]); err != nil {
				return wrapWrite(name, err)
			}
			*offset += int64(n)
			if *offset-kicked >= writebackChunk {
				startWriteback(f, kicked, *offset-kicked)
				kicked = *offset
			}
			j.prog.update(*offset, max(total, 0), -1)
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return fmt.Errorf("read body: %w", rerr)
		}
	}
	if total >= 0 && *offset < total {
		return fmt.Errorf("read body: %w after %d of %d bytes", io.ErrUnexpectedEOF, *offset, total)
	}
	return nil
}

// errIsPlaylist says an "MP4" URL answered with an m3u8 playlist; Download
// then fetches it as HLS.
var errIsPlaylist = errors.New("stream url serves an hls playlist")

func isPlaylistType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.Contains(ct, "mpegurl")
}

// parseContentRange parses "bytes start-end/total" (total may be "*",
// reported as -1).
func parseContentRange(s string) (start, end, total int64, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(s), "bytes ")
	if !found {
		return 0, 0, 0, false
	}
	rng, tot, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, 0, false
	}
	a, b, found := strings.Cut(rng, "-")
	if !found {
		return 0, 0, 0, false
	}
	var err1, err2, err3 error
	start, err1 = strconv.ParseInt(a, 10, 64)
	end, err2 = strconv.ParseInt(b, 10, 64)
	total = -1
	if tot != "*" {
		total, err3 = strconv.ParseInt(tot, 10, 64)
	}
	if err1 != nil || err2 != nil || err3 != nil || start < 0 || end < start || (total >= 0 && end >= total) {
		return 0, 0, 0, false
	}
	return start, end, total, true
}
