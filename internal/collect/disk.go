package collect

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

var diskMetrics = []string{"disk.used_pct", "disk.avail_bytes", "disk.size_bytes", "disk.inodes_used_pct", "disk.readonly"}

var diskFamily = &Family{
	Name:    "disk",
	Tag:     "mount",
	Metrics: diskMetrics,
	gauge:   diskSamples,
}

// An FSStat is what statfs(2) says of a filesystem, plus whether the
// path is a folder (a bind-mounted file, such as a container's
// /etc/hosts, is not a filesystem anyone watches). Dir is only looked up
// when asked for; otherwise it is true.
type FSStat struct {
	Frsize                uint64
	Blocks, Bfree, Bavail uint64
	Files, Ffree          uint64
	Dir                   bool
}

// Statfs is the real statfs(2), and stat(2) when needDir is set.
func Statfs(path string, needDir bool) (FSStat, error) {
	dir := true
	if needDir {
		var st unix.Stat_t
		if err := unix.Stat(path, &st); err != nil {
			return FSStat{}, &fs.PathError{Op: "stat", Path: path, Err: err}
		}
		dir = st.Mode&unix.S_IFMT == unix.S_IFDIR
	}
	var s unix.Statfs_t
	if err := unix.Statfs(path, &s); err != nil {
		return FSStat{}, &fs.PathError{Op: "statfs", Path: path, Err: err}
	}
	frsize := uint64(s.Frsize)
	if frsize == 0 {
		frsize = uint64(s.Bsize)
	}
	return FSStat{
		Frsize: frsize,
		Blocks: s.Blocks, Bfree: s.Bfree, Bavail: s.Bavail,
		Files: s.Files, Ffree: s.Ffree,
		Dir: dir,
	}, nil
}

// pseudoFS reports the filesystem types that hold no data anyone could
// run out of, or only read-only images that are always full. (A switch
// rather than a map: a map is built at start-up, on every run.)
func pseudoFS(fstype string) bool {
	switch fstype {
	case "autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs", "devpts",
		"devtmpfs", "efivarfs", "fusectl", "fuse.lxcfs", "fuse.gvfsd-fuse", "fuse.portal",
		"hugetlbfs", "iso9660", "mqueue", "nsfs", "nfsd", "overlay", "proc", "pstore", "ramfs",
		"rootfs", "rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "sysfs", "tracefs", "udf":
		return true
	}
	return false
}

// A mount is one line of /proc/self/mountinfo that matters here.
type mount struct {
	dev    string // major:minor
	root   string // the folder of the filesystem mounted here
	point  string
	fstype string
	// readonly is set when the mount or its filesystem is read-only:
	// ext4 with errors=remount-ro marks only the filesystem.
	readonly bool
}

// parseMountinfo reads /proc/self/mountinfo:
//
//	36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw
//
// Paths have spaces, tabs, newlines and backslashes escaped as \NNN.
func parseMountinfo(s string) ([]mount, error) {
	out := make([]mount, 0, strings.Count(s, "\n")+1)
	for n := 0; s != ""; n++ {
		var line string
		line, s, _ = strings.Cut(s, "\n")
		if line == "" {
			continue
		}
		// Split at each space as strings.Split would, into an array
		// that holds the usual line.
		var room [16]string
		f := room[:0]
		for {
			field, rest, more := strings.Cut(line, " ")
			f = append(f, field)
			if !more {
				break
			}
			line = rest
		}
		sep := slices.Index(f, "-")
		if sep < 6 || sep+3 > len(f) {
			return nil, fmt.Errorf("mountinfo: line %d: cannot find the fields", n+1)
		}
		ro := hasOption(f[5], "ro") || (sep+3 < len(f) && hasOption(f[sep+3], "ro"))
		out = append(out, mount{dev: f[2], root: unescapeOctal(f[3]), point: unescapeOctal(f[4]), fstype: f[sep+1], readonly: ro})
	}
	return out, nil
}

func unescapeOctal(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) && isOct(s[i+1]) && isOct(s[i+2]) && isOct(s[i+3]) {
			b.WriteByte((s[i+1]-'0')<<6 | (s[i+2]-'0')<<3 | (s[i+3] - '0'))
			i += 3
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isOct(c byte) bool { return '0' <= c && c <= '7' }

// watchedMounts applies the policy: real filesystems only, the top one
// where several are stacked on one point, and each device once (a bind
// mount is the same filesystem again), preferring the mount of its root.
func watchedMounts(all []mount) []mount {
	top := make(map[string]int, len(all))
	for i, m := range all {
		top[m.point] = i
	}
	byDev := map[string]mount{}
	for i, m := range all {
		if pseudoFS(m.fstype) || hiddenPoint(m.point) || top[m.point] != i {
			continue
		}
		if old, ok := byDev[m.dev]; ok && !better(m, old) {
			continue
		}
		byDev[m.dev] = m
	}
	out := make([]mount, 0, len(byDev))
	for _, m := range byDev {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b mount) int { return strings.Compare(a.point, b.point) })
	return out
}

// hiddenPoint reports mount points where only the system writes: the
// kernel's own trees (a container masks /proc/kcore with a tmpfs) and
// systemd's read-only credential stores, which are always full.
func hiddenPoint(p string) bool {
	for _, dir := range []string{"/proc", "/sys", "/run/credentials"} {
		if p == dir || strings.HasPrefix(p, dir+"/") {
			return true
		}
	}
	return false
}

func better(m, old mount) bool {
	if (m.root == "/") != (old.root == "/") {
		return m.root == "/"
	}
	return len(m.point) < len(old.point)
}

// mountErrors carries one error per mount, so each is its own warning.
type mountErrors []error

func (e mountErrors) Error() string { return errors.Join(e...).Error() }

// localFS reports the filesystem types whose statfs answers from memory
// and cannot hang. They are asked directly; every other type (NFS, CIFS,
// FUSE, ZFS whose pool can be suspended) and every path named with
// --mount is asked under the timeout, which costs a thread.
func localFS(fstype string) bool {
	switch fstype {
	case "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "msdos", "exfat", "ntfs3", "f2fs", "jfs",
		"reiserfs", "hfsplus", "bcachefs", "nilfs2", "tmpfs":
		return true
	}
	return false
}

// A target is one path to ask statfs about.
type target struct {
	path    string
	guarded bool   // may hang: ask under the timeout
	needDir bool   // may be a bind-mounted file
	mount   *mount // the mountinfo line, unless named with --mount
	st      FSStat
	err     error
}

func diskSamples(s *Source) ([]Sample, error) {
	var targets []target
	explicit := len(s.Mounts) > 0
	for _, p := range s.Mounts {
		targets = append(targets, target{path: p, guarded: true})
	}
	if !explicit {
		b, err := s.read(s.proc("self/mountinfo"), false)
		if err != nil {
			return nil, err
		}
		all, err := parseMountinfo(string(b))
		if err != nil {
			return nil, err
		}
		watched := watchedMounts(all)
		targets = make([]target, len(watched))
		for i := range watched {
			m := &watched[i]
			// The root of a filesystem is a folder; only a bind mount of
			// part of one can be a file.
			targets[i] = target{path: m.point, guarded: !localFS(m.fstype), needDir: m.root != "/", mount: m}
		}
	}
	statfsAll(s, targets)
	out := make([]Sample, 0, len(targets)*len(diskMetrics))
	var errs mountErrors
	for i := range targets {
		t := &targets[i]
		if t.err != nil {
			// Without --mount, a mount that vanished since mountinfo was
			// read, or one this user may not look into (another user's
			// FUSE mount), is no news worth a mail every minute.
			if !explicit && (errors.Is(t.err, fs.ErrNotExist) || errors.Is(t.err, fs.ErrPermission)) {
				continue
			}
			errs = append(errs, t.err)
			continue
		}
		if !explicit && (!t.st.Dir || t.st.Blocks == 0) {
			continue
		}
		out = appendFS(out, t.path, t.st)
		if t.mount != nil {
			out = append(out, readonlySample(t.path, t.mount.readonly))
		}
	}
	if len(errs) > 0 {
		return out, errs
	}
	return out, nil
}

// appendFS appends to out what df(1) shows: used is blocks minus free,
// and Use% is used over used plus available to unprivileged users, so
// that a disk is 100 % full when users can write no more, whatever is
// reserved for root.
func appendFS(out []Sample, point string, st FSStat) []Sample {
	t := tag("mount", point)
	used := float64(st.Blocks - min(st.Bfree, st.Blocks))
	avail := float64(st.Bavail)
	if used+avail > 0 {
		out = append(out, Sample{"disk.used_pct", t, pct(used, used+avail)})
	}
	out = append(out,
		Sample{"disk.avail_bytes", t, avail * float64(st.Frsize)},
		Sample{"disk.size_bytes", t, float64(st.Blocks) * float64(st.Frsize)})
	if st.Files > 0 {
		out = append(out, Sample{"disk.inodes_used_pct", t, pct(float64(st.Files-min(st.Ffree, st.Files)), float64(st.Files))})
	}
	return out
}

// statfsAll calls statfs on every target. Guarded ones are asked all at
// once, each in its own goroutine, and those that have not answered when
// the timeout runs out are given up: a hung NFS mount costs one timeout,
// not one per mount, and never the whole run. The others are asked
// directly, as a goroutine costs a thread.
func statfsAll(s *Source, targets []target) {
	statfs := s.Statfs
	if statfs == nil {
		statfs = Statfs
	}
	type answer struct {
		t   *target
		st  FSStat
		err error
	}
	pending := 0
	for _, t := range targets {
		if t.guarded {
			pending++
		}
	}
	var ch chan answer
	if pending > 0 {
		ch = make(chan answer, pending)
	}
	for i := range targets {
		t := &targets[i]
		if !t.guarded {
			t.st, t.err = statfs(t.path, t.needDir)
			continue
		}
		t.err = fmt.Errorf("statfs %s: no answer within %v", t.path, s.StatfsTimeout)
		go func() {
			st, err := statfs(t.path, t.needDir)
			ch <- answer{t, st, err}
		}()
	}
	if pending == 0 {
		return
	}
	timeout := time.NewTimer(s.StatfsTimeout)
	defer timeout.Stop()
	for ; pending > 0; pending-- {
		select {
		case a := <-ch:
			a.t.st, a.t.err = a.st, a.err
		case <-timeout.C:
			return
		}
	}
}
