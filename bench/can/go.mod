module github.com/anysock/anysock/bench/can

go 1.26.0

replace github.com/anysock/anysock => ../../

require (
	github.com/anysock/anysock v0.0.0-00010101000000-000000000000
	go.einride.tech/can v0.17.0
)

require (
	github.com/mdlayher/socket v0.8.0 // indirect
	go.uber.org/goleak v1.3.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
