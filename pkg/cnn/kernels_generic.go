//go:build !amd64 || purego

package cnn

// This build has no assembly: every kernel runs its Go loop.

func haveAsm() bool { return false }

const noAsm = "cnn: this build has no assembly kernels"

func convTaps16(c *float32, cRow, cPix int, a *float32, aRow, aPix, kh, kwc int, w *float32, ldw int, bias *float32, rows, cols, strips int) {
	panic(noAsm)
}

func convTaps8(c *float32, cRow, cPix int, a *float32, aRow, aPix, kh, kwc int, w *float32, ldw int, bias *float32, rows, cols, strips int) {
	panic(noAsm)
}

func reluPool8(out *float32, outRow, outPix int, win *int32, winRow, winPix int, in *float32, inRow, inPix, rows, cols, groups int) {
	panic(noAsm)
}

func reluPoolBackward8(dIn *float32, dRow, dPix int, dOut *float32, oRow, oPix int, win *int32, winRow, winPix int, dB *float32, rows, cols, groups int) {
	panic(noAsm)
}

var weightGradKernels [72]weightGradFunc
