package collect

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"sm/internal/record"
)

// maxSensors bounds the hw family's output: a machine with more
// temperature sensors than this (a large server's DIMMs, say) reports the
// first ones, in the kernel's order.
const maxSensors = 64

// hwFamily reads temperatures from sysfs: the hwmon drivers' (lm-sensors
// reads the same files) and the thermal zones'. It is not in the default
// set: some drivers answer a read over a slow bus (I2C, ACPI), in
// milliseconds rather than microseconds.
var hwFamily = &Family{
	Name:    "hw",
	Tag:     "chip,sensor",
	Metrics: []string{"hw.temp_celsius"},
	OptIn:   true,
	gauge:   readTemps,
}

func (s *Source) sys(name ...string) string {
	return filepath.Join(append([]string{s.Sys}, name...)...)
}

// readTemps reads every hwmon chip's temp*_input, tagged with the chip's
// name and the sensor's label, then every thermal zone's temp, tagged
// chip=thermal and the zone's type. A sensor that cannot be read (many
// answer ENODATA or EIO while their device sleeps) or reads a value out
// of [-40, 150] °C (a disconnected probe reads -128 or 255.5) is left
// out, and so is a second sensor of the same tags.
func readTemps(s *Source) ([]Sample, error) {
	if s.Sys == "" {
		return nil, errAbsent
	}
	var out []Sample
	seen := map[[2]string]bool{}
	add := func(chip, sensor string, milli []byte) {
		v, ok := parseTemp(milli)
		k := [2]string{chip, sensor}
		if !ok || seen[k] || len(out) >= maxSensors {
			return
		}
		seen[k] = true
		out = append(out, Sample{Name: "hw.temp_celsius", Tags: []record.Tag{{Key: "chip", Value: chip}, {Key: "sensor", Value: sensor}}, Value: v})
	}

	chips, err := listDir(s.sys("class", "hwmon"), "hwmon")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	names := map[string]int{}
	chipNames := make([]string, len(chips))
	for i, c := range chips {
		chipNames[i] = c
		for _, name := range []string{"name", "device/name"} {
			if b, err := readSmall(filepath.Join(s.sys("class", "hwmon"), c, name)); err == nil && tagText(b) != "" {
				chipNames[i] = tagText(b)
				break
			}
		}
		names[chipNames[i]]++
	}
	for i, c := range chips {
		dir := filepath.Join(s.sys("class", "hwmon"), c)
		chip := chipNames[i]
		if names[chip] > 1 {
			// Two chips of one driver (coretemp on each socket): the
			// device's name tells them apart across boots, where the
			// hwmon number need not.
			if dev, err := os.Readlink(filepath.Join(dir, "device")); err == nil {
				chip += "_" + tagText([]byte(filepath.Base(dev)))
			} else {
				chip += "_" + c
			}
		}
		inputs, err := listDir(dir, "temp")
		if len(inputs) == 0 {
			// Drivers of kernels before 3.x put their attributes on
			// the device, as lm-sensors and node_exporter still allow.
			dir = filepath.Join(dir, "device")
			inputs, err = listDir(dir, "temp")
		}
		if err != nil {
			continue
		}
		for _, in := range inputs {
			stem, ok := strings.CutSuffix(in, "_input")
			if !ok || strings.Trim(stem[len("temp"):], "0123456789") != "" || len(stem) == len("temp") {
				continue
			}
			b, err := readSmall(filepath.Join(dir, in))
			if err != nil {
				continue
			}
			sensor := stem
			if l, err := readSmall(filepath.Join(dir, stem+"_label")); err == nil && tagText(l) != "" {
				sensor = tagText(l)
			}
			add(chip, sensor, b)
		}
	}

	zones, err := listDir(s.sys("class", "thermal"), "thermal_zone")
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return out, err
	}
	types := make([]string, len(zones))
	count := map[string]int{}
	for i, z := range zones {
		types[i] = z
		if b, err := readSmall(filepath.Join(s.sys("class", "thermal"), z, "type")); err == nil && tagText(b) != "" {
			types[i] = tagText(b)
		}
		count[types[i]]++
	}
	for i, z := range zones {
		sensor := types[i]
		if count[sensor] > 1 {
			sensor += "_" + strings.TrimPrefix(z, "thermal_zone")
		}
		if b, err := readSmall(filepath.Join(s.sys("class", "thermal"), z, "temp")); err == nil {
			add("thermal", sensor, b)
		}
	}
	return out, nil
}

// listDir returns the names in dir that start with prefix, in natural
// order (hwmon2 before hwmon10), at most 4·maxSensors of them.
func listDir(dir, prefix string) ([]string, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	all, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range all {
		if strings.HasPrefix(n, prefix) {
			out = append(out, n)
		}
	}
	slices.SortFunc(out, record.NaturalCompare)
	return out[:min(len(out), 4*maxSensors)], nil
}

// readSmall reads a sysfs attribute, which is at most a page; anything
// longer is no attribute of the kind sm reads.
func readSmall(name string) ([]byte, error) {
	var buf [128]byte
	b, err := openRead(name, buf[:0], true) // an attribute is one show
	if err == nil && len(b) > len(buf) {
		return nil, fmt.Errorf("%s: too long", name)
	}
	return b, err
}

// parseTemp reads millidegrees Celsius, "45000\n", as °C, and says
// whether the value is one a working sensor gives.
func parseTemp(b []byte) (float64, bool) {
	v, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0, false
	}
	c := float64(v) / 1000
	return c, c >= -40 && c <= 150
}

// tagText makes a sysfs name or label a tag value: the first line, runs
// of anything but letters, digits, '.', '-' and '_' as one '_', at most
// 64 bytes. Labels such as "Core 0" or "Package id 0" become Core_0 and
// Package_id_0, as node_exporter writes chip names.
func tagText(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	var sb strings.Builder
	under := false
	for i := 0; i < len(line) && sb.Len() < 64; i++ {
		c := line[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_' {
			sb.WriteByte(c)
			under = false
		} else if !under {
			sb.WriteByte('_')
			under = true
		}
	}
	return strings.Trim(sb.String(), "_")
}
