//go:build !linux

package families

func isPermission(error) bool { return false }
