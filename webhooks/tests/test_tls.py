"""https endpoints: the connection goes to the address that was checked, while TLS still checks the
certificate against the URL's host name (a certificate for another name is refused, not retried)."""

import datetime
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from servicing.services import service_start
from servicing.tests.factories import ServiceFactory
from webhooks.models import Delivery, DeliveryState
from webhooks.services import delivery_deliver
from webhooks.tests.receiver import Receiver

pytestmark = pytest.mark.django_db


def self_signed(tmp_path, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def tls_receiver(tmp_path, monkeypatch):
    def start(cert_name: str):
        cert, key = self_signed(tmp_path, cert_name)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trusted as a CA would be, by the default context
        server = Receiver()
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        server._server.socket = context.wrap_socket(server._server.socket, server_side=True)
        return server

    return start


def a_delivery(receiver, endpoint_for, url) -> Delivery:
    endpoint = endpoint_for(receiver)
    endpoint.url = url
    endpoint.save(update_fields=["url"])
    service_start(service=ServiceFactory())
    return Delivery.objects.get(endpoint=endpoint)


def test_an_https_endpoint_is_reached_at_the_checked_address_with_its_name_verified(tls_receiver, endpoint_for):
    with tls_receiver("localhost") as receiver:
        delivery = a_delivery(receiver, endpoint_for, f"https://localhost:{receiver.port}/in")
        assert delivery_deliver(delivery_id=delivery.pk).status == "delivered"
        [request] = receiver.requests
        assert request["verified"] and request["headers"]["host"] == f"localhost:{receiver.port}"


def test_a_certificate_for_another_name_is_a_final_failure(tls_receiver, endpoint_for):
    with tls_receiver("receiver.example") as receiver:
        delivery = a_delivery(receiver, endpoint_for, f"https://localhost:{receiver.port}/in")
        assert delivery_deliver(delivery_id=delivery.pk).status == "failed"
        delivery.refresh_from_db()
        assert delivery.state == DeliveryState.FAILED and delivery.last_error.startswith("TLS failed")
        assert receiver.requests == []


def test_an_ip_literal_is_never_trusted_without_a_matching_certificate(tls_receiver, endpoint_for):
    with tls_receiver("localhost") as receiver:
        delivery = a_delivery(receiver, endpoint_for, f"https://127.0.0.1:{receiver.port}/in")
        assert delivery_deliver(delivery_id=delivery.pk).status == "failed"
        assert receiver.requests == []
