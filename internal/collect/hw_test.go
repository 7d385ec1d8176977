package collect

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

func TestTemps(t *testing.T) {
	got, err := readTemps(&Source{Sys: "testdata/hw/sys"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// A label is the sensor's name, else the file's.
		"hw.temp_celsius;chip=nvme;sensor=Composite 38.85",
		"hw.temp_celsius;chip=nvme;sensor=temp2 41.85",
		// Two coretemp chips: told apart by their devices. Core 1 reads
		// -128 °C, a disconnected probe's figure, and is left out.
		"hw.temp_celsius;chip=coretemp_coretemp.0;sensor=Package_id_0 45",
		"hw.temp_celsius;chip=coretemp_coretemp.0;sensor=Core_0 43",
		"hw.temp_celsius;chip=coretemp_coretemp.1;sensor=Package_id_0 47",
		// temp2 reads N/A, temp10 255.5 °C.
		"hw.temp_celsius;chip=acpitz;sensor=temp1 27.8",
		// hwmon10 after hwmon3; tempx_input is no sensor.
		"hw.temp_celsius;chip=drivetemp;sensor=temp1 35",
		// Two zones of one type are told apart by their numbers; zone 3
		// has no temp.
		"hw.temp_celsius;chip=thermal;sensor=acpitz_0 27.8",
		"hw.temp_celsius;chip=thermal;sensor=x86_pkg_temp 45",
		"hw.temp_celsius;chip=thermal;sensor=acpitz_2 30",
	}
	if g := lines(got); !reflect.DeepEqual(g, want) {
		t.Errorf("got  %q\nwant %q", g, want)
	}
}

func TestTempsBounded(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "class", "hwmon", "hwmon0")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "name"), []byte("dimm\n"), 0o644)
	for i := 1; i <= 3*maxSensors; i++ {
		os.WriteFile(filepath.Join(dir, "temp"+strconv.Itoa(i)+"_input"), []byte("30000\n"), 0o644)
	}
	got, err := readTemps(&Source{Sys: root})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != maxSensors {
		t.Fatalf("%d sensors, want %d", len(got), maxSensors)
	}
	// The first ones in natural order.
	if s := got[maxSensors-1].Tags[1].Value; s != "temp"+strconv.Itoa(maxSensors) {
		t.Errorf("last sensor %s", s)
	}
}

func TestTempsOnTheDevice(t *testing.T) {
	// An old kernel's layout: name and temp*_input under device/.
	root := t.TempDir()
	dir := filepath.Join(root, "class", "hwmon", "hwmon0", "device")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "name"), []byte("w83627hf\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "temp1_input"), []byte("41000\n"), 0o644)
	got, err := readTemps(&Source{Sys: root})
	if err != nil {
		t.Fatal(err)
	}
	if g, want := lines(got), []string{"hw.temp_celsius;chip=w83627hf;sensor=temp1 41"}; !reflect.DeepEqual(g, want) {
		t.Errorf("got %q, want %q", g, want)
	}
}

func TestTempsAbsent(t *testing.T) {
	// No sysfs given, or one without hwmon or thermal: nothing, and no
	// failure.
	if _, err := readTemps(&Source{}); err != errAbsent {
		t.Errorf("no sysfs: %v", err)
	}
	got, err := readTemps(&Source{Sys: t.TempDir()})
	if err != nil || len(got) != 0 {
		t.Errorf("empty sysfs: %q, %v", lines(got), err)
	}
	// A class folder that is a file is an error.
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "class"), 0o755)
	os.WriteFile(filepath.Join(root, "class", "hwmon"), nil, 0o644)
	if _, err := readTemps(&Source{Sys: root}); err == nil {
		t.Error("hwmon a file: no error")
	}
}

func TestTagText(t *testing.T) {
	for in, want := range map[string]string{
		"Core 0\n":                      "Core_0",
		"Package id 0":                  "Package_id_0",
		"  a;b\\c~ \n2nd":               "a_b_c",
		"x86_pkg_temp":                  "x86_pkg_temp",
		"\x00\xff":                      "",
		string(make([]byte, 200)) + "a": "a",
	} {
		if got := tagText([]byte(in)); got != want {
			t.Errorf("tagText(%q) = %q, want %q", in, got, want)
		}
	}
	long := tagText([]byte(string(make([]byte, 0)) + "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij" + "abcdefghij"))
	if len(long) != 64 {
		t.Errorf("long label: %d bytes", len(long))
	}
}

func TestParseTemp(t *testing.T) {
	for in, want := range map[string]bool{"45000\n": true, "-40000": true, "150000": true, "150001": false, "-128000": false, "N/A": false, "": false, "1e3": false} {
		if _, ok := parseTemp([]byte(in)); ok != want {
			t.Errorf("parseTemp(%q) ok = %v", in, ok)
		}
	}
}
