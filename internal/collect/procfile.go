package collect

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// readProc reads a whole kernel file into buf with plain system calls.
// os.Open would first try to register each file with the network poller,
// and every system call, like every fresh page of memory, counts in a run
// that must beat sadc.
func readProc(name string, buf []byte) ([]byte, error) {
	return openRead(name, buf, false)
}

// openRead opens the file at name and reads it into buf (see readFrom).
func openRead(name string, buf []byte, shown bool) ([]byte, error) {
	fd, err := syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	return readFrom(fd, name, buf, shown)
}

// readPath reads, into the Source's buffer as read does, the file whose
// path is parts joined by '/', built in a buffer of the Source's and
// handed to open(2) as it is: for the files of every pid and cgroup,
// filepath.Join and syscall.Open would each allocate a copy of the path.
// A part may be empty or start with '/': the kernel reads "a//b" as
// "a/b".
func (s *Source) readPath(shown bool, parts ...string) ([]byte, error) {
	p := s.path[:0]
	for i, x := range parts {
		if i > 0 {
			p = append(p, '/')
		}
		p = append(p, x...)
	}
	if bytes.IndexByte(p, 0) >= 0 {
		return nil, &fs.PathError{Op: "open", Path: string(p), Err: syscall.EINVAL}
	}
	s.path = append(p, 0)
	fd, errno := s.openPath()
	if errno != 0 {
		return nil, &fs.PathError{Op: "open", Path: string(p), Err: errno}
	}
	defer syscall.Close(fd)
	b, err := readFrom(fd, "", s.buf, shown)
	if err != nil {
		if pe, ok := err.(*fs.PathError); ok {
			pe.Path = string(p)
		}
		return nil, err
	}
	s.buf = b
	return b, nil
}

// openPath opens the file named in s.path, which ends in a NUL, for
// reading.
func (s *Source) openPath() (int, syscall.Errno) {
	for {
		fd, _, errno := syscall.Syscall6(syscall.SYS_OPENAT, atFDCWD, uintptr(unsafe.Pointer(&s.path[0])),
			syscall.O_RDONLY|syscall.O_CLOEXEC, 0, 0, 0)
		if errno != syscall.EINTR {
			return int(fd), errno
		}
	}
}

// atFDCWD is AT_FDCWD, the current folder as openat(2)'s folder, which
// relative paths start from.
const atFDCWD = ^uintptr(99) // -100

// readFrom reads fd to its end into buf. With shown, a read that does not
// fill the room left in buf ends it: see readShown. Its errors are
// *fs.PathError, naming name.
func readFrom(fd int, name string, buf []byte, shown bool) ([]byte, error) {
	buf = buf[:0]
	if cap(buf) == 0 {
		buf = make([]byte, 0, 8192)
	}
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := syscall.Read(fd, buf[len(buf):cap(buf)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return buf, nil
		}
		buf = buf[:len(buf)+n]
		if shown && len(buf) < cap(buf) {
			return buf, nil
		}
	}
}

// readShown is read for a kernel file that is made whole at once, as
// /proc/PID/stat and status, uptime, meminfo, loadavg, stat, pressure,
// net/snmp, a sysctl, a sysfs attribute or a cgroup's file are
// (single_open in the kernel's seq_file), and for a regular file: a read
// short of the room it was given has returned all there is, and the read
// that would say so costs a system call. A file listing records one by
// one (/proc/net/dev, diskstats, vmstat, mountinfo, a cgroup's tasks)
// may return a page at a time, and needs read.
func (s *Source) readShown(name string, optional bool) ([]byte, error) {
	return s.readFile(name, optional, true)
}

// read reads the kernel file at name into the Source's buffer, valid
// until the next read. A missing optional file is errAbsent.
func (s *Source) read(name string, optional bool) ([]byte, error) {
	return s.readFile(name, optional, false)
}

func (s *Source) readFile(name string, optional, shown bool) ([]byte, error) {
	// Through the Source's path buffer, as readPath: syscall.Open would
	// copy the name to add the NUL.
	var b []byte
	var err error
	if strings.IndexByte(name, 0) >= 0 {
		err = &fs.PathError{Op: "open", Path: name, Err: syscall.EINVAL}
	} else {
		s.path = append(append(s.path[:0], name...), 0)
		fd, errno := s.openPath()
		if errno != 0 {
			err = &fs.PathError{Op: "open", Path: name, Err: errno}
		} else {
			b, err = readFrom(fd, name, s.buf, shown)
			syscall.Close(fd)
		}
	}
	if err != nil && optional && errors.Is(err, fs.ErrNotExist) {
		return nil, errAbsent
	}
	if err == nil {
		s.buf = b
	}
	return b, err
}

// fields appends the fields of b to dst, split as nextField splits
// them. Given room in an array of the caller's, a line of the kernel's
// few dozen fields costs no allocation, where bytes.Fields makes a slice
// for each line of every file on every run.
func fields(dst [][]byte, b []byte) [][]byte {
	for {
		var f []byte
		if f, b = nextField(b); f == nil {
			return dst
		}
		dst = append(dst, f)
	}
}

// countFields counts the fields of b, split as nextField splits them.
func countFields(b []byte) int {
	n := 0
	for f, rest := nextField(b); f != nil; f, rest = nextField(rest) {
		n++
	}
	return n
}

// eachLine calls f with each line of b, without its newline.
func eachLine(b []byte, f func(n int, line []byte) error) error {
	for n := 1; len(b) > 0; n++ {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		if err := f(n, line); err != nil {
			return err
		}
	}
	return nil
}

func parseUint(b []byte) (float64, error) {
	v, err := strconv.ParseUint(string(b), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad number %q", b)
	}
	return float64(v), nil
}

// parseMeminfo reads the fields of /proc/meminfo that sm uses, in bytes
// but for the counts of huge pages, which have no unit:
//
//	MemTotal:        8048260 kB
//	HugePages_Total:       0
//
// A field the kernel does not have is missing from the map.
func parseMeminfo(b []byte) (map[string]float64, error) {
	m := make(map[string]float64, 16)
	err := eachLine(b, func(n int, line []byte) error {
		key, rest, ok := bytes.Cut(line, []byte(":"))
		if !ok || !meminfoWanted(string(key)) {
			return nil
		}
		x, rest := nextField(rest)
		if x == nil {
			return fmt.Errorf("meminfo: line %d: no value", n)
		}
		v, err := parseUint(x)
		if err != nil {
			return fmt.Errorf("meminfo: line %d: %v", n, err)
		}
		if unit, _ := nextField(rest); string(unit) == "kB" {
			v *= 1024
		}
		m[string(key)] = v
		return nil
	})
	return m, err
}

// meminfoWanted reports the fields of /proc/meminfo that sm uses. (A
// switch rather than a map: a map is built on every run.)
func meminfoWanted(key string) bool {
	switch key {
	case "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapTotal", "SwapFree",
		"Dirty", "Writeback", "SReclaimable", "SUnreclaim", "Shmem", "HugePages_Total", "HugePages_Free", "Hugepagesize":
		return true
	}
	return false
}

// netDevColumns are the columns of /proc/net/dev that sm keeps, after
// the interface's name: received and sent bytes, receive plus transmit
// errors, then packets, drops and errors in each direction (the rxpck/s,
// txpck/s, rxdrop/s, txdrop/s, rxerr/s and txerr/s of sar -n DEV,EDEV).
var netDevColumns = []int{0, 8, -1, 1, 9, 3, 11, 2, 10}

// parseNetDev reads /proc/net/dev: two header lines, then
//
//	eth0: rx_bytes rx_packets rx_errs rx_drop ... tx_bytes tx_packets tx_errs tx_drop ...
//
// and returns, for each interface, the counters of netDevColumns in
// their order; the column -1 is rx_errs + tx_errs.
func parseNetDev(b []byte) (Counters, error) {
	c := Counters{}
	err := eachLine(b, func(n int, line []byte) error {
		if n <= 2 || len(bytes.TrimSpace(line)) == 0 {
			return nil
		}
		i := bytes.LastIndexByte(line, ':')
		if i < 0 {
			return fmt.Errorf("net/dev: line %d: no colon", n)
		}
		name := bytes.TrimSpace(line[:i])
		var room [20][]byte
		f := fields(room[:0], line[i+1:])
		if len(name) == 0 || len(f) < 16 {
			return fmt.Errorf("net/dev: line %d: want an interface and 16 numbers", n)
		}
		v := make([]float64, len(netDevColumns))
		for j, col := range netDevColumns {
			if col < 0 {
				continue
			}
			x, err := parseUint(f[col])
			if err != nil {
				return fmt.Errorf("net/dev: line %d: %v", n, err)
			}
			v[j] = x
		}
		v[2] = v[7] + v[8]
		c[string(name)] = v
		return nil
	})
	return c, err
}

// parsePSI reads a /proc/pressure file and returns the total stall
// microseconds of its "some" and, where present, "full" lines:
//
//	some avg10=0.30 avg60=1.42 avg300=4.26 total=34528414
func parsePSI(b []byte) (some, full float64, hasFull bool, err error) {
	hasSome := false
	err = eachLine(b, func(n int, line []byte) error {
		kind, rest := nextField(line)
		if kind == nil {
			return nil
		}
		var total []byte
		for {
			var x []byte
			if x, rest = nextField(rest); x == nil {
				break
			}
			if v, ok := bytes.CutPrefix(x, []byte("total=")); ok {
				total = v
			}
		}
		if total == nil {
			return fmt.Errorf("line %d: no total", n)
		}
		v, err := parseUint(total)
		if err != nil {
			return fmt.Errorf("line %d: %v", n, err)
		}
		switch string(kind) {
		case "some":
			some, hasSome = v, true
		case "full":
			full, hasFull = v, true
		}
		return nil
	})
	if err == nil && !hasSome {
		err = errors.New(`no "some" line`)
	}
	return some, full, hasFull, err
}
