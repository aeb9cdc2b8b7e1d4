"""pySigma plugin: strascico's Elasticsearch backends (listed by `sigma list targets`)."""

from .elastalert import StrascicoElastalertBackend
from .eql import StrascicoEqlBackend
from .esql import StrascicoESQLBackend
from .lucene import StrascicoLuceneBackend

backends = {
    "strascico_lucene": StrascicoLuceneBackend,
    "strascico_eql": StrascicoEqlBackend,
    "strascico_esql": StrascicoESQLBackend,
    "strascico_elastalert": StrascicoElastalertBackend,
}
