package examples

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// excerptMark names the file a README code block is taken from.
var excerptMark = regexp.MustCompile(`^<!-- excerpt: (\S+) -->$`)

// TestREADMEGoBlocksAreExcerpts checks that every Go block in README.md is
// preceded by an excerpt mark and appears, line for line (indentation
// aside), in the file it names: README shows only code the tests compile
// and run.
func TestREADMEGoBlocksAreExcerpts(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	lines := strings.Split(string(readme), "\n")
	blocks := 0
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```go" {
			continue
		}
		blocks++
		end := i + 1
		for end < len(lines) && lines[end] != "```" {
			end++
		}
		block := lines[i+1 : end]
		mark := ""
		for j := i - 1; j >= 0 && mark == ""; j-- {
			if strings.TrimSpace(lines[j]) != "" {
				mark = lines[j]
			}
		}
		m := excerptMark.FindStringSubmatch(mark)
		if !assert.NotNil(t, m, "README.md:%d: a Go block without an <!-- excerpt: FILE --> line before it", i+1) {
			continue
		}
		src, err := os.ReadFile(filepath.Join("..", m[1]))
		if !assert.NoError(t, err, "README.md:%d", i+1) {
			continue
		}
		assert.True(t, contains(trimmed(strings.Split(string(src), "\n")), trimmed(block)),
			"README.md:%d: the block is not an excerpt of %s:\n%s", i+1, m[1], strings.Join(block, "\n"))
		i = end
	}
	assert.Positive(t, blocks, "README has Go blocks")
}

func trimmed(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimSpace(l)
	}
	return out
}

// contains reports whether part appears as consecutive lines of whole.
func contains(whole, part []string) bool {
	for i := 0; i+len(part) <= len(whole); i++ {
		match := true
		for j := range part {
			if whole[i+j] != part[j] {
				match = false
				break
			}
		}
		if match {
			return true
		}
	}
	return false
}
