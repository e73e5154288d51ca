//go:build !unix

package tcp

import "net"

// reservePort listens on a free loopback port and closes it: the port
// refuses connections, but another server may take it meanwhile (no
// bind-without-listen here).
func reservePort() (addr string, release func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	addr = ln.Addr().String()
	ln.Close()
	return addr, func() {}, nil
}
