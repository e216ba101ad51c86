from typing import BinaryIO, Iterator, Optional

from sigv4._sigv4 import ChunkEncoder as ChunkEncoder
from sigv4._sigv4 import Credentials as Credentials
from sigv4._sigv4 import CredentialsError as CredentialsError
from sigv4._sigv4 import RefreshableCredentials as RefreshableCredentials
from sigv4._sigv4 import Sha256 as Sha256
from sigv4._sigv4 import Signer as Signer
from sigv4._sigv4 import SigningError as SigningError
from sigv4._sigv4 import VerificationError as VerificationError
from sigv4._sigv4 import _Headers
from sigv4._sigv4 import verify as verify

class AwsChunkedUpload:
    headers: dict[str, str]
    def __init__(self, signer: Signer, method: str, url: str, fileobj: BinaryIO, length: int, headers: _Headers = None, *, checksum: Optional[str] = None, chunk_size: int = 65536, unsigned: bool = False) -> None: ...
    def __len__(self) -> int: ...
    def read(self, n: int = -1) -> bytes: ...
    def iter_bytes(self) -> Iterator[bytes]: ...
