// Package tlsconftest makes throwaway certificate authorities for tests: a
// CA and the server and client certificates it signs, written as PEM
// files under the test's temporary directory, and at hand in memory for
// the other side of a handshake.
//
// Each New is an independent CA, so a second one gives the "certificate
// of another CA" cases. Keys are ECDSA P-256 (PKCS #8), certificates are
// valid from an hour before to an hour after they are made.
package tlsconftest
