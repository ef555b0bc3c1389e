package anysock_test

import "os"

var unixPid = os.Getpid()
