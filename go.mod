module github.com/templive/templive

go 1.26.0

require (
	github.com/PuerkitoBio/goquery v1.13.0
	github.com/a-h/templ v0.3.977
	github.com/andybalholm/cascadia v1.3.4
	github.com/coder/websocket v1.8.15
	golang.org/x/net v0.62.0
)
