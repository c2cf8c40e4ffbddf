package tlsconftest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// PKI is one test certificate authority. It is not safe for concurrent
// use.
type PKI struct {
	// CAFile is the PEM file of the CA certificate.
	CAFile string
	// Pool holds the CA certificate, for the side of a handshake the test
	// builds itself.
	Pool *x509.CertPool

	dir    string
	cert   *x509.Certificate
	key    *ecdsa.PrivateKey
	issued int // certificates signed, for file names
}

// Pair is a certificate the PKI signed and its private key.
type Pair struct {
	// CertFile and KeyFile are the certificate and its key as PEM files.
	CertFile, KeyFile string
	// Certificate is the same pair in memory.
	Certificate tls.Certificate
}

// New makes a CA (common name "mcpaudit test CA") and writes its
// certificate to CAFile in a directory of t.TempDir. It fails t on error.
func New(t testing.TB) *PKI {
	t.Helper()
	p := &PKI{dir: t.TempDir(), Pool: x509.NewCertPool()}
	p.key, p.cert = sign(t, &x509.Certificate{
		Subject:               pkix.Name{CommonName: "mcpaudit test CA"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}, nil, nil)
	p.Pool.AddCert(p.cert)
	p.CAFile = writePEM(t, filepath.Join(p.dir, "ca.pem"), "CERTIFICATE", p.cert.Raw)
	return p
}

// Server signs a server certificate (extended key usage serverAuth) for
// hosts, each an IP address ("127.0.0.1") or a DNS name
// ("collector.test"); its common name is the first host.
func (p *PKI) Server(t testing.TB, hosts ...string) Pair {
	t.Helper()
	tmpl := &x509.Certificate{ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if len(hosts) > 0 {
		tmpl.Subject.CommonName = hosts[0]
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return p.issue(t, "server", tmpl)
}

// Client signs a client certificate (extended key usage clientAuth) with
// common name cn.
func (p *PKI) Client(t testing.TB, cn string) Pair {
	t.Helper()
	return p.issue(t, "client", &x509.Certificate{
		Subject:     pkix.Name{CommonName: cn},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
}

// NotPEM writes a file that holds no PEM block and returns its path.
func NotPEM(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "not.pem")
	if err := os.WriteFile(path, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// issue signs tmpl with the CA and writes the pair as kind-N.pem and
// kind-N-key.pem.
func (p *PKI) issue(t testing.TB, kind string, tmpl *x509.Certificate) Pair {
	t.Helper()
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	key, cert := sign(t, tmpl, p.cert, p.key)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	p.issued++
	base := filepath.Join(p.dir, fmt.Sprintf("%s-%d", kind, p.issued))
	return Pair{
		CertFile:    writePEM(t, base+".pem", "CERTIFICATE", cert.Raw),
		KeyFile:     writePEM(t, base+"-key.pem", "PRIVATE KEY", der),
		Certificate: tls.Certificate{Certificate: [][]byte{cert.Raw}, PrivateKey: key, Leaf: cert},
	}
}

// sign makes a fresh key and a certificate for it from tmpl, signed by
// parent and parentKey, or self-signed when parent is nil.
func sign(t testing.TB, tmpl, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if tmpl.SerialNumber, err = rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127)); err != nil {
		t.Fatal(err)
	}
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(time.Hour)
	if parent == nil {
		parent, parentKey = tmpl, key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, &key.PublicKey, parentKey)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

// writePEM writes der as one PEM block of type typ to path and returns
// path.
func writePEM(t testing.TB, path, typ string, der []byte) string {
	t.Helper()
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}
