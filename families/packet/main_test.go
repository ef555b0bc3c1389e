package packet_test

import (
	"testing"

	"github.com/anysock/anysock/internal/leakcheck"
)

func TestMain(m *testing.M) { leakcheck.Main(m) }
