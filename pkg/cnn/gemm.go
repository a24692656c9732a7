package cnn

import "fmt"

// The three matrix products that D4's training spends its time in, each
// beside the naive loop it must equal (gemm_test.go holds them to it). They
// only ever ADD into c. Matrices are flat, row-major slices.
//
// The fast versions are written for the Go compiler: rows are re-sliced to
// one length so that bounds checks drop out of the inner loops, and several
// rows are combined per pass so each load feeds more than one multiply.
// They are the place for SIMD kernels.

// gemmNNRef: c (m, n) += a (m, k) × b (k, n).
func gemmNNRef[T float](c, a, b []T, m, k, n int) {
	checkGemm("NN", c, a, b, m, k, n)
	for i := range m {
		for j := range n {
			sum := T(0)
			for p := range k {
				sum += a[i*k+p] * b[p*n+j]
			}
			c[i*n+j] += sum
		}
	}
}

// gemmNN: c (m, n) += a (m, k) × b (k, n), adding four rows of b, each
// scaled by its entry of a, per pass over a row of c.
func gemmNN[T float](c, a, b []T, m, k, n int) {
	checkGemm("NN", c, a, b, m, k, n)
	for i := range m {
		ci := c[i*n : (i+1)*n]
		ai := a[i*k : (i+1)*k]
		p := 0
		for ; p+4 <= k; p += 4 {
			a0, a1, a2, a3 := ai[p], ai[p+1], ai[p+2], ai[p+3]
			b0 := b[p*n:][:len(ci)]
			b1 := b[(p+1)*n:][:len(ci)]
			b2 := b[(p+2)*n:][:len(ci)]
			b3 := b[(p+3)*n:][:len(ci)]
			for j := range ci {
				ci[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]
			}
		}
		for ; p < k; p++ {
			a0 := ai[p]
			b0 := b[p*n:][:len(ci)]
			for j := range ci {
				ci[j] += a0 * b0[j]
			}
		}
	}
}

// gemmTNRef: c (m, n) += aᵀ × b, with a stored as (k, m) and b as (k, n).
func gemmTNRef[T float](c, a, b []T, m, k, n int) {
	checkGemm("TN", c, a, b, m, k, n)
	for i := range m {
		for j := range n {
			sum := T(0)
			for p := range k {
				sum += a[p*m+i] * b[p*n+j]
			}
			c[i*n+j] += sum
		}
	}
}

// gemmTN: c (m, n) += aᵀ × b, with a stored as (k, m) and b as (k, n); the
// same passes as gemmNN, reading a down its columns.
func gemmTN[T float](c, a, b []T, m, k, n int) {
	checkGemm("TN", c, a, b, m, k, n)
	for i := range m {
		ci := c[i*n : (i+1)*n]
		p := 0
		for ; p+4 <= k; p += 4 {
			a0, a1, a2, a3 := a[p*m+i], a[(p+1)*m+i], a[(p+2)*m+i], a[(p+3)*m+i]
			b0 := b[p*n:][:len(ci)]
			b1 := b[(p+1)*n:][:len(ci)]
			b2 := b[(p+2)*n:][:len(ci)]
			b3 := b[(p+3)*n:][:len(ci)]
			for j := range ci {
				ci[j] += a0*b0[j] + a1*b1[j] + a2*b2[j] + a3*b3[j]
			}
		}
		for ; p < k; p++ {
			a0 := a[p*m+i]
			b0 := b[p*n:][:len(ci)]
			for j := range ci {
				ci[j] += a0 * b0[j]
			}
		}
	}
}

// gemmNTRef: c (m, n) += a × bᵀ, with a stored as (m, k) and b as (n, k):
// every entry of c gains the dot product of a row of a and a row of b.
func gemmNTRef[T float](c, a, b []T, m, k, n int) {
	checkGemm("NT", c, a, b, m, k, n)
	for i := range m {
		for j := range n {
			sum := T(0)
			for p := range k {
				sum += a[i*k+p] * b[j*k+p]
			}
			c[i*n+j] += sum
		}
	}
}

// gemmNT: c (m, n) += a × bᵀ, with a stored as (m, k) and b as (n, k),
// computing a 2x3 block of dot products per pass over the rows: six
// running sums, which the Go compiler keeps in registers (a 2x4 block
// spills and runs slower).
func gemmNT[T float](c, a, b []T, m, k, n int) {
	checkGemm("NT", c, a, b, m, k, n)
	i := 0
	for ; i+2 <= m; i += 2 {
		a0 := a[i*k : (i+1)*k]
		a1 := a[(i+1)*k:][:len(a0)]
		c0 := c[i*n : (i+1)*n]
		c1 := c[(i+1)*n:][:len(c0)]
		j := 0
		for ; j+3 <= n; j += 3 {
			b0 := b[j*k:][:len(a0)]
			b1 := b[(j+1)*k:][:len(a0)]
			b2 := b[(j+2)*k:][:len(a0)]
			var s00, s01, s02, s10, s11, s12 T
			for p, x0 := range a0 {
				x1 := a1[p]
				y0, y1, y2 := b0[p], b1[p], b2[p]
				s00 += x0 * y0
				s01 += x0 * y1
				s02 += x0 * y2
				s10 += x1 * y0
				s11 += x1 * y1
				s12 += x1 * y2
			}
			c0[j] += s00
			c0[j+1] += s01
			c0[j+2] += s02
			c1[j] += s10
			c1[j+1] += s11
			c1[j+2] += s12
		}
		for ; j < n; j++ {
			b0 := b[j*k:][:len(a0)]
			var s0, s1 T
			for p, y := range b0 {
				s0 += a0[p] * y
				s1 += a1[p] * y
			}
			c0[j] += s0
			c1[j] += s1
		}
	}
	for ; i < m; i++ {
		a0 := a[i*k : (i+1)*k]
		ci := c[i*n : (i+1)*n]
		j := 0
		for ; j+4 <= n; j += 4 {
			b0 := b[j*k:][:len(a0)]
			b1 := b[(j+1)*k:][:len(a0)]
			b2 := b[(j+2)*k:][:len(a0)]
			b3 := b[(j+3)*k:][:len(a0)]
			var s0, s1, s2, s3 T
			for p, x := range a0 {
				s0 += x * b0[p]
				s1 += x * b1[p]
				s2 += x * b2[p]
				s3 += x * b3[p]
			}
			ci[j] += s0
			ci[j+1] += s1
			ci[j+2] += s2
			ci[j+3] += s3
		}
		for ; j < n; j++ {
			b0 := b[j*k:][:len(a0)]
			var s T
			for p, x := range a0 {
				s += x * b0[p]
			}
			ci[j] += s
		}
	}
}

// checkGemm panics unless c, a and b have the sizes of an (m, k) × (k, n)
// product.
func checkGemm[T float](kind string, c, a, b []T, m, k, n int) {
	if len(c) != m*n || len(a) != m*k || len(b) != k*n {
		panic(fmt.Sprintf("cnn: gemm%s (%d, %d) × (%d, %d) with c %d, a %d, b %d values", kind, m, k, k, n, len(c), len(a), len(b)))
	}
}
