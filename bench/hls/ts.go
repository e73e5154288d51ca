package main

import (
	"bytes"
	"fmt"
	"os/exec"
)

const tsPacket = 188

// tsTemplate is one real MPEG-TS segment that is re-stamped per index so
// that 500 copies form one continuous, valid stream.
type tsTemplate struct {
	data     []byte
	duration float64      // seconds
	ccCount  map[int]int  // payload packets per PID (for continuity counters)
	nullPad  int          // null packets appended to reach the target size
	pids     map[int]bool // PIDs carrying PES
}

// makeTemplate encodes durationSec seconds of 720p test video with ffmpeg
// at a constant bitrate and pads it with null packets to size bytes.
func makeTemplate(ffmpeg string, durationSec float64, size int) (*tsTemplate, error) {
	cmd := exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=25",
		"-t", fmt.Sprint(durationSec),
		"-c:v", "libx264", "-preset", "ultrafast", "-b:v", "7M", "-maxrate", "7M", "-minrate", "7M",
		"-bufsize", "2M", "-x264-params", "nal-hrd=cbr", "-g", "50",
		"-muxdelay", "0", "-muxpreload", "0",
		"-f", "mpegts", "-")
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("ffmpeg template: %w: %s", err, stderr.String())
	}
	b := out.Bytes()
	if len(b)%tsPacket != 0 {
		return nil, fmt.Errorf("template is not whole TS packets (%d bytes)", len(b))
	}
	t := &tsTemplate{duration: durationSec, ccCount: map[int]int{}, pids: map[int]bool{}}
	for off := 0; off < len(b); off += tsPacket {
		p := b[off : off+tsPacket]
		pid := int(p[1]&0x1f)<<8 | int(p[2])
		if p[3]&0x10 != 0 {
			t.ccCount[pid]++
		}
	}
	target := size / tsPacket * tsPacket
	for len(b) < target {
		null := make([]byte, tsPacket)
		null[0], null[1], null[2], null[3] = 0x47, 0x1f, 0xff, 0x10
		b = append(b, null...)
		t.nullPad++
	}
	t.data = b
	return t, nil
}

// segment returns the template re-stamped as segment i: PTS/DTS/PCR moved
// by i*duration and continuity counters continued.
func (t *tsTemplate) segment(i int, dst []byte) []byte {
	dst = append(dst[:0], t.data...)
	shift := uint64(float64(i) * t.duration * 90000)
	for off := 0; off+tsPacket <= len(dst); off += tsPacket {
		p := dst[off : off+tsPacket]
		pid := int(p[1]&0x1f)<<8 | int(p[2])
		if pid == 0x1fff {
			continue
		}
		afc := (p[3] >> 4) & 3
		if afc&1 != 0 {
			cc := (int(p[3]&0x0f) + i*t.ccCount[pid]) & 0x0f
			p[3] = p[3]&0xf0 | byte(cc)
		}
		pos := 4
		if afc&2 != 0 {
			alen := int(p[4])
			if alen > 0 && p[5]&0x10 != 0 && alen >= 7 { // PCR present
				base := uint64(p[6])<<25 | uint64(p[7])<<17 | uint64(p[8])<<9 | uint64(p[9])<<1 | uint64(p[10])>>7
				base = (base + shift) & (1<<33 - 1)
				p[6], p[7], p[8], p[9] = byte(base>>25), byte(base>>17), byte(base>>9), byte(base>>1)
				p[10] = p[10]&0x7f | byte(base&1)<<7
			}
			pos = 5 + alen
		}
		// PES header at the start of a payload unit (not PSI tables).
		if p[1]&0x40 != 0 && afc&1 != 0 && pos+14 <= tsPacket && pid != 0 &&
			p[pos] == 0 && p[pos+1] == 0 && p[pos+2] == 1 {
			flags := p[pos+7] >> 6
			if flags&2 != 0 {
				shiftTS(p[pos+9:pos+14], shift)
			}
			if flags == 3 && pos+19 <= tsPacket {
				shiftTS(p[pos+14:pos+19], shift)
			}
		}
	}
	return dst
}

// shiftTS adds shift to a 5-byte PES timestamp field, keeping marker bits.
func shiftTS(b []byte, shift uint64) {
	v := uint64(b[0]>>1&0x07)<<30 | uint64(b[1])<<22 | uint64(b[2]>>1)<<15 | uint64(b[3])<<7 | uint64(b[4]>>1)
	v = (v + shift) & (1<<33 - 1)
	b[0] = b[0]&0xf1 | byte(v>>29)&0x0e
	b[1] = byte(v >> 22)
	b[2] = byte(v>>14)&0xfe | 1
	b[3] = byte(v >> 7)
	b[4] = byte(v<<1) | 1
}
