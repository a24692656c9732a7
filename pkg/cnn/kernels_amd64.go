//go:build amd64 && !purego

package cnn

import "golang.org/x/sys/cpu"

//go:generate go run -C internal/asmgen . -out ../../kernels_amd64.s -stubs ../../kernels_stubs_amd64.go -table ../../kernels_table_amd64.go -pkg cnn

// haveAsm reports whether this CPU runs the AVX2 kernels of
// kernels_amd64.s (AVX2 and an OS that saves the YMM registers).
func haveAsm() bool { return cpu.X86.HasAVX2 }
