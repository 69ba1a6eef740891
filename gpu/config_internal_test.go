package gpu

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every variable is read into its field, booleans in every spelling.
func TestConfigFromEnv(t *testing.T) {
	for name, v := range map[string]string{
		envDevice: "llvm", envValidation: "yes", envKernel: "direct", envForceStaging: "ON", envMaxBindingBytes: "65536",
		envTimeout: "90s", envTransferQueue: "same", envCacheDir: "/tmp/x", envNoCache: "true", envWarm: "0", envCPUBelow: "0",
		envCoopmat: "off",
	} {
		t.Setenv(name, v)
	}
	c, err := ConfigFromEnv()
	require.NoError(t, err)
	assert.Equal(t, Config{Device: "llvm", Validation: On, Kernel: "direct", ForceStaging: On, MaxBindingBytes: 65536,
		Timeout: 90 * time.Second, TransferQueue: "same", CacheDir: "/tmp/x", Cache: Off, Warm: Off, CPUBelow: -1, Coopmat: Off}, c)
}

// A value that cannot be read is an error naming the variable, never read
// as off without a word; Open refuses it where it would use it.
func TestBadEnvironmentIsRefusedByName(t *testing.T) {
	for _, tc := range []struct{ name, value string }{
		{envValidation, "2"}, {envValidation, "enable"}, {envNoCache, "y"}, {envForceStaging, "-1"}, {envWarm, "-1"},
		{envMaxBindingBytes, "lots"}, {envTimeout, "10"}, {envCPUBelow, "NaN"},
	} {
		t.Run(tc.name+"="+tc.value, func(t *testing.T) {
			t.Setenv(tc.name, tc.value)
			_, err := ConfigFromEnv()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.name+`="`+tc.value+`"`)
			_, err = Config{}.withEnv()
			assert.ErrorContains(t, err, tc.name)
		})
	}
}

// A field the program sets wins over the environment, so a program can turn
// validation and staging off whatever the environment says, and a bad
// variable for a field it sets is not in its way.
func TestConfigWinsOverTheEnvironment(t *testing.T) {
	t.Setenv(envValidation, "1")
	t.Setenv(envForceStaging, "1")
	t.Setenv(envNoCache, "1")
	c, err := Config{Validation: Off, ForceStaging: Off, Cache: On}.withEnv()
	require.NoError(t, err)
	ec, err := c.engineConfig()
	require.NoError(t, err)
	assert.False(t, ec.Validation)
	assert.False(t, ec.ForceStaging)
	assert.NotEmpty(t, ec.CacheDir)

	t.Setenv(envValidation, "maybe")
	c, err = Config{Validation: On}.withEnv()
	require.NoError(t, err)
	assert.Equal(t, On, c.Validation)

	// On a real device: validation off although the environment asks for it.
	t.Setenv(envValidation, "1")
	d, err := Open(Config{Validation: Off, Cache: Off})
	if (errors.Is(err, ErrNoLoader) || errors.Is(err, ErrNoDevice)) && os.Getenv("VKGEMM_REQUIRE_DEVICE") != "1" {
		t.Skipf("no Vulkan device: %v", err)
	}
	require.NoError(t, err)
	defer func() { assert.NoError(t, d.Close()) }()
	assert.False(t, d.e.Config().Validation)
}

// Values a Config cannot hold are ErrBadArgument, before any device opens.
func TestBadConfigIsRefused(t *testing.T) {
	for name, c := range map[string]Config{
		"switch":   {Validation: 7},
		"kernel":   {Kernel: "fastest"},
		"binding":  {MaxBindingBytes: -1},
		"timeout":  {Timeout: -time.Second},
		"transfer": {TransferQueue: "sideways"},
	} {
		_, err := c.engineConfig()
		assert.ErrorIs(t, err, ErrBadArgument, name)
	}
}
