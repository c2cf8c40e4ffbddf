package tlsconf

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
)

// errNoCertificate is the error for a PEM file without a certificate.
var errNoCertificate = errors.New("no PEM CERTIFICATE block")

// certPool reads file, a PEM bundle of CA certificates, into a new pool.
// Errors start with key: the file cannot be read, holds no CERTIFICATE
// block, or holds one that does not parse as X.509 (which
// x509.CertPool.AppendCertsFromPEM would skip without a word).
func certPool(key, file string) (*x509.CertPool, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", key, err)
	}
	certs, err := parseCertificates(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", key, file, err)
	}
	pool := x509.NewCertPool()
	for _, c := range certs {
		pool.AddCert(c)
	}
	return pool, nil
}

// keyPair loads certFile, a PEM certificate chain (leaf first), and
// keyFile, the PEM private key of its leaf. Errors start with certKey when
// certFile cannot be read or holds no parseable certificate, else with
// keyKey: keyFile cannot be read, is not a private key or does not match
// the certificate.
func keyPair(certKey, keyKey, certFile, keyFile string) (tls.Certificate, error) {
	certPEM, err := os.ReadFile(certFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", certKey, err)
	}
	if _, err := parseCertificates(certPEM); err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %s: %w", certKey, certFile, err)
	}
	keyPEM, err := os.ReadFile(keyFile)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %w", keyKey, err)
	}
	// The certificates parsed above, so what X509KeyPair refuses is the key
	// or its match with the certificate.
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("%s: %s: %w", keyKey, keyFile, err)
	}
	return pair, nil
}

// bothOrNeither reports the missing half of a certificate and key pair,
// naming its key.
func bothOrNeither(certKey, keyKey, certFile, keyFile string) error {
	switch {
	case certFile == "" && keyFile != "":
		return fmt.Errorf("%s: required when %s is set", certKey, keyKey)
	case certFile != "" && keyFile == "":
		return fmt.Errorf("%s: required when %s is set", keyKey, certKey)
	}
	return nil
}

// parseCertificates returns the certificates of the PEM CERTIFICATE blocks
// in b, skipping blocks of other types. It fails when there is none or one
// does not parse as X.509.
func parseCertificates(b []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for {
		var blk *pem.Block
		blk, b = pem.Decode(b)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d: %w", len(certs)+1, err)
		}
		certs = append(certs, c)
	}
	if len(certs) == 0 {
		return nil, errNoCertificate
	}
	return certs, nil
}
