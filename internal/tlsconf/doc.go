// Package tlsconf holds the TLS settings of mcpaudit's clients and servers
// and turns them into a *tls.Config (TLS 1.2 or later).
//
// Client is a client `tls` block (kafka.tls, clickhouse.tls; the tap builds
// one from its --tls-* flags): the CA bundle that verifies the server, an
// optional client certificate for mutual TLS, the server name to verify.
// Server is the `server.tls` section of the API listeners: the server's
// certificate and key, and the CA bundle and policy for client
// certificates.
//
// Both read their files the same way: a CA bundle must hold at least one
// PEM CERTIFICATE block and every such block must parse as X.509; a
// certificate file must hold a parseable chain and the key file the
// matching private key. Errors start with the config key (or flag) of the
// setting at fault, so that a bad file fails the start naming it.
package tlsconf
