//go:build !linux

package can

import "github.com/anysock/anysock"

func dialBCMConn(anysock.Proto, *Addr, anysock.Config) (*anysock.Conn, error) { return nil, errOS }

func kernel64() bool { return false }
