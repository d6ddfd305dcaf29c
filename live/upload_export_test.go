package live

import "io"

// UploadFile is what SetUploadFile's func returns: where an upload's bytes
// go, and its name on disk.
type UploadFile interface {
	io.Writer
	Close() error
	Name() string
}

// SetUploadFile makes h write uploads to what create returns instead of an
// *os.File: a test's way to make the disk fail.
func SetUploadFile(h *Handler, create func(dir string) (UploadFile, error)) {
	h.uploadFile = func(dir string) (uploadFile, error) { return create(dir) }
}
