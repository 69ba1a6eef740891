package static_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vkgemm/vkgemm/wasm/static"
)

func TestServesTypesAndGzip(t *testing.T) {
	dir := t.TempDir()
	wasm := bytes.Repeat([]byte("\x00asm"), 1000)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.wasm"), wasm, 0o644))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(wasm)
	require.NoError(t, zw.Close())
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.wasm.gz"), gz.Bytes(), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "index.html"), []byte("<!doctype html>"), 0o644))
	srv := httptest.NewServer(static.Handler(dir))
	defer srv.Close()

	get := func(path, enc string) *http.Response {
		req, err := http.NewRequest("GET", srv.URL+path, nil)
		require.NoError(t, err)
		req.Header.Set("Accept-Encoding", enc)
		resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		require.NoError(t, err)
		return resp
	}
	resp := get("/main.wasm", "gzip, br")
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, "application/wasm", resp.Header.Get("Content-Type"))
	assert.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
	assert.Equal(t, gz.Bytes(), body)
	assert.Equal(t, "4000", resp.Header.Get("X-Uncompressed-Length"))

	resp = get("/main.wasm", "identity")
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Empty(t, resp.Header.Get("Content-Encoding"))
	assert.Equal(t, wasm, body)

	resp = get("/", "gzip")
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))

	resp = get("/missing.js", "gzip")
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	resp = get("/../../etc/passwd", "")
	resp.Body.Close()
	assert.NotEqual(t, http.StatusOK, resp.StatusCode)
}

func TestContentType(t *testing.T) {
	assert.Equal(t, "text/javascript; charset=utf-8", static.ContentType("wasm_exec.js"))
	assert.Equal(t, "application/octet-stream", static.ContentType("x.unknownext"))
}
