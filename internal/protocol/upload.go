package protocol

import (
	"encoding/binary"
	"encoding/json"
	"strconv"
)

// Limits of an upload frame (docs/protocol.md, "Uploads").
const (
	MaxUploadFiles     = 64   // files announced in one upload frame
	MaxFileNameBytes   = 1024 // a file's name
	MaxFileTypeBytes   = 256  // a file's MIME type
	MaxChunkHeader     = 2 * binary.MaxVarintLen64
	MaxUploadErrorText = 256 // the message a client sends for a failed external upload
)

// File is a file the client announces before it sends any of its bytes.
type File struct {
	Name string
	Size int64
	Type string
}

// Upload is an upload frame: the files the user picked for the upload
// Name, announced so the server can validate them first.
type Upload struct {
	Ref   uint64
	Name  string
	Files []File
}

// Progress is an external upload's progress, as the client reports it:
// Loaded bytes sent to the external URL, or Err when that upload failed.
type Progress struct {
	Ref    uint64 // the upload entry's ref
	Loaded int64
	Err    string
}

// decodeUpload decodes [4, ref, name, [[file, size, type], ...]].
func decodeUpload(parts []json.RawMessage) (Message, error) {
	if len(parts) != 4 {
		return Message{}, malformed("upload: want 4 elements, got %d", len(parts))
	}
	ref, err := decodeUint(parts[1], "upload ref")
	if err != nil {
		return Message{}, err
	}
	if ref == 0 {
		return Message{}, malformed("upload ref must be positive")
	}
	u := &Upload{Ref: ref}
	if json.Unmarshal(parts[2], &u.Name) != nil || !isString(parts[2]) || u.Name == "" || len(u.Name) > MaxNameBytes {
		return Message{}, malformed("upload name: want a string of 1 to %d bytes", MaxNameBytes)
	}
	var files []json.RawMessage
	if err := json.Unmarshal(parts[3], &files); err != nil || files == nil {
		return Message{}, malformed("upload files: want an array")
	}
	if len(files) == 0 || len(files) > MaxUploadFiles {
		return Message{}, malformed("upload files: want 1 to %d", MaxUploadFiles)
	}
	for _, raw := range files {
		var triple []json.RawMessage
		if err := json.Unmarshal(raw, &triple); err != nil || len(triple) != 3 {
			return Message{}, malformed("upload file: want [name, size, type]")
		}
		var f File
		if json.Unmarshal(triple[0], &f.Name) != nil || !isString(triple[0]) || len(f.Name) > MaxFileNameBytes {
			return Message{}, malformed("upload file name: want a string of at most %d bytes", MaxFileNameBytes)
		}
		size, err := decodeUint(triple[1], "upload file size")
		if err != nil {
			return Message{}, err
		}
		f.Size = int64(size)
		if json.Unmarshal(triple[2], &f.Type) != nil || !isString(triple[2]) || len(f.Type) > MaxFileTypeBytes {
			return Message{}, malformed("upload file type: want a string of at most %d bytes", MaxFileTypeBytes)
		}
		u.Files = append(u.Files, f)
	}
	return Message{Kind: KindUpload, Upload: u}, nil
}

// decodeProgress decodes [5, ref, loaded, error?].
func decodeProgress(parts []json.RawMessage) (Message, error) {
	if len(parts) != 3 && len(parts) != 4 {
		return Message{}, malformed("progress: want 3 or 4 elements, got %d", len(parts))
	}
	ref, err := decodeUint(parts[1], "progress ref")
	if err != nil {
		return Message{}, err
	}
	loaded, err := decodeUint(parts[2], "progress bytes")
	if err != nil {
		return Message{}, err
	}
	p := &Progress{Ref: ref, Loaded: int64(loaded)}
	if len(parts) == 4 {
		if json.Unmarshal(parts[3], &p.Err) != nil || !isString(parts[3]) || p.Err == "" || len(p.Err) > MaxUploadErrorText {
			return Message{}, malformed("progress error: want a string of 1 to %d bytes", MaxUploadErrorText)
		}
	}
	return Message{Kind: KindProgress, Progress: p}, nil
}

// AppendChunkHeader appends the header of a binary chunk frame: the upload
// entry's ref and the offset of the chunk's first byte in the file, each an
// unsigned varint. The chunk's bytes follow it.
func AppendChunkHeader(dst []byte, ref uint64, offset int64) []byte {
	dst = binary.AppendUvarint(dst, ref)
	return binary.AppendUvarint(dst, uint64(offset))
}

// DecodeChunk splits a binary chunk frame into its header and its bytes.
// It never panics; a frame whose header does not decode returns an error
// wrapping ErrMalformed.
func DecodeChunk(frame []byte) (ref uint64, offset int64, data []byte, err error) {
	ref, n := binary.Uvarint(frame)
	if n <= 0 || ref == 0 || ref > maxSafeInt {
		return 0, 0, nil, malformed("chunk: bad upload ref")
	}
	off, m := binary.Uvarint(frame[n:])
	if m <= 0 || off > maxSafeInt {
		return 0, 0, nil, malformed("chunk: bad offset")
	}
	return ref, int64(off), frame[n+m:], nil
}

// AppendAck appends an upload ack: the server holds received bytes of the
// upload ref. A non-empty msg says the upload failed and the client must
// send no more of it.
func AppendAck(dst []byte, ref uint64, received int64, msg string) []byte {
	dst = append(dst, '[', '0'+KindAck, ',')
	dst = strconv.AppendUint(dst, ref, 10)
	dst = append(dst, ',')
	dst = strconv.AppendInt(dst, received, 10)
	if msg != "" {
		dst = append(dst, ',')
		dst = AppendString(dst, msg)
	}
	return append(dst, ']')
}
