# shellcheck shell=bash
# Mesh trust: one root CA shared by the clusters and one intermediate CA per cluster, as
# Istio's tools/certs/Makefile.selfsigned.mk makes them (root-ca, <cluster>-cacerts), with
# openssl directly so no Istio checkout is needed. Or, with --samples-certs, the seed's choice:
# the release's samples/certs in both clusters. Either way each cluster gets a `cacerts` secret
# (ca-cert.pem, ca-key.pem, root-cert.pem, cert-chain.pem) in istio-system before istiod starts.
#
# Files are local (under $OUT/certs) and reused when present, so re-running up.sh keeps the
# same root and istiod's identity chain does not change under running workloads. The keys are
# mode 0600 in 0700 directories (also when reused from an earlier, wider run).
# MESH_CA_KEY_BITS (environment, default 4096 as Istio's Makefile) sets the RSA key size; the
# tests use 2048 to keep key generation short on busy CI machines.
CA_KEY_BITS=${MESH_CA_KEY_BITS:-4096}

# ca_conf_head BASIC_CONSTRAINTS: the openssl [ req ] and [ req_ext ] lines shared by the root
# and intermediate CA configs (both are CAs that sign certificates).
ca_conf_head() {
  cat <<EOF
[ req ]
encrypt_key = no
prompt = no
utf8 = yes
default_md = sha256
req_extensions = req_ext
x509_extensions = req_ext
distinguished_name = req_dn
[ req_ext ]
subjectKeyIdentifier = hash
basicConstraints = $1
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment, keyCertSign
EOF
}

# make_root_ca DIR: root-key.pem, root-cert.pem (10 years).
make_root_ca() {
  local dir=$1
  private_dir "$dir"
  if [ -f "$dir/root-cert.pem" ] && [ -f "$dir/root-key.pem" ]; then
    say "root CA: reusing $dir/root-cert.pem"
    private_file "$dir/root-key.pem"
    return 0
  fi
  {
    ca_conf_head "critical, CA:true"
    printf '%s\n' "[ req_dn ]" "O = Istio" "CN = Root CA"
  } >"$dir/root-ca.conf"
  record_file "$dir/root-ca.conf"
  run_local openssl genrsa -out "$dir/root-key.pem" "$CA_KEY_BITS" 2>/dev/null
  private_file "$dir/root-key.pem"
  run_local openssl req -x509 -new -key "$dir/root-key.pem" -config "$dir/root-ca.conf" \
    -days 3650 -out "$dir/root-cert.pem"
  record_file "$dir/root-key.pem"
  record_file "$dir/root-cert.pem"
}

# make_intermediate_ca ROOTDIR CLUSTER: ROOTDIR/CLUSTER/{ca-key,ca-cert,root-cert,cert-chain}.pem
# (2 years), signed by the root; its SAN and L= name the cluster as the Makefile does.
make_intermediate_ca() {
  local root=$1 cluster=$2 dir="$1/$2"
  private_dir "$dir"
  if [ -f "$dir/cert-chain.pem" ] && [ -f "$dir/ca-key.pem" ]; then
    say "intermediate CA for $cluster: reusing $dir"
    private_file "$dir/ca-key.pem"
    return 0
  fi
  {
    ca_conf_head "critical, CA:true, pathlen:0"
    cat <<EOF
subjectAltName = @san
[ san ]
DNS.1 = istiod.istio-system.svc
[ req_dn ]
O = Istio
CN = Intermediate CA
L = $cluster
EOF
  } >"$dir/intermediate.conf"
  record_file "$dir/intermediate.conf"
  run_local openssl genrsa -out "$dir/ca-key.pem" "$CA_KEY_BITS" 2>/dev/null
  private_file "$dir/ca-key.pem"
  run_local openssl req -new -key "$dir/ca-key.pem" -config "$dir/intermediate.conf" \
    -out "$dir/cluster-ca.csr"
  run_local openssl x509 -req -in "$dir/cluster-ca.csr" -CA "$root/root-cert.pem" \
    -CAkey "$root/root-key.pem" -CAcreateserial -days 730 -extensions req_ext \
    -extfile "$dir/intermediate.conf" -out "$dir/ca-cert.pem" 2>/dev/null
  cp "$root/root-cert.pem" "$dir/root-cert.pem"
  cat "$dir/ca-cert.pem" "$root/root-cert.pem" >"$dir/cert-chain.pem"
  local f
  for f in cluster-ca.csr ca-key.pem ca-cert.pem root-cert.pem cert-chain.pem; do
    record_file "$dir/$f"
  done
  [ -f "$root/root-cert.srl" ] && record_file "$root/root-cert.srl"
  return 0
}

# cacerts_secret DIR: prints the istio-system/cacerts Secret built from DIR's four PEM files
# (kubectl apply makes it idempotent, unlike `kubectl create secret`).
cacerts_secret() {
  local dir=$1 f
  printf '%s\n' "# Istio CA for this cluster (from $dir), rendered by scripts/mesh/up.sh." \
    "apiVersion: v1" "kind: Secret" "metadata:" "  name: cacerts" "  namespace: istio-system" \
    "type: Opaque" "data:"
  for f in ca-cert.pem ca-key.pem root-cert.pem cert-chain.pem; do
    [ -f "$dir/$f" ] || die "CA file $dir/$f: not found"
    printf '  %s: %s\n' "$f" "$(base64 -w0 <"$dir/$f")"
  done
}
