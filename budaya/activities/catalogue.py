"""The forms and methods of activity each regulation names, seeded per government.

Keyed by the slug of the regulation behind the government's adopted framework version
(``frameworks.Regulation``). A government whose regulation is not listed gets ``GENERIC``; its
city administrator adds its own forms afterwards. Names are data in the regulation's words.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FormSpec:
    code: str
    name: str
    source: str
    description: str = ""


SERANG = "Perwal Kota Serang 34/2023"
TANGERANG = "Perwal Kota Tangerang 62/2018"

FORMS: dict[str, list[FormSpec]] = {
    # S Lampiran C.3: Bentuk-Bentuk Aktivasi/Implementasi.
    "perwal-kota-serang-34-2023": [
        FormSpec(
            "apel-pagi",
            "Apel pagi",
            f"{SERANG} Lampiran C.3.a",
            "Nilai-nilai BerAKHLAK dibacakan dan diikuti oleh semua ASN Perangkat Daerah.",
        ),
        FormSpec(
            "rapat",
            "Kegiatan rapat",
            f"{SERANG} Lampiran C.3.b",
            "Menanamkan nilai-nilai BerAKHLAK sebelum, saat, atau sesudah rapat.",
        ),
        FormSpec(
            "bahan-tayang",
            "Dokumen bahan tayang",
            f"{SERANG} Lampiran C.3.c",
            'Menyisipkan logo BerAKHLAK dan kalimat "Bangga Melayani Bangsa".',
        ),
        FormSpec(
            "media-sosial",
            "Media sosial Perangkat Daerah",
            f"{SERANG} Lampiran C.3.d",
            'Unggahan dengan logo BerAKHLAK dan kalimat "Bangga Melayani Bangsa".',
        ),
        FormSpec(
            "twibbon",
            "Twibbon BerAKHLAK (tanggal 17)",
            f"{SERANG} Lampiran C.3.e",
            "Semua pegawai memasang twibbon bertema BerAKHLAK pada tanggal 17 setiap bulan.",
        ),
        FormSpec(
            "banner-pamflet",
            "Banner/pamflet",
            f"{SERANG} Lampiran C.3.f",
            'Menyertakan logo BerAKHLAK dan kalimat "Bangga Melayani Bangsa".',
        ),
        FormSpec(
            "multimedia",
            "Multimedia",
            f"{SERANG} Lampiran C.3.g",
            "Musik, lagu atau video untuk menanamkan nilai-nilai BerAKHLAK.",
        ),
        FormSpec(
            "standing-banner",
            "Standing banner BerAKHLAK",
            f"{SERANG} Lampiran C.3.h",
            "Pemasangan standing banner BerAKHLAK pada area kantor Perangkat Daerah.",
        ),
        FormSpec(
            "lainnya",
            "Bentuk lain",
            f"{SERANG} Lampiran C.3.i",
            "Sesuai kreativitas Tim Percepatan Pelaksanaan Reformasi Birokrasi Perangkat Daerah.",
        ),
    ],
    # T Lampiran II II.2: declaration (a), socialisation (b) and internalisation (c) methods;
    # FGD also for value formulation (II.1.d).
    "perwal-kota-tangerang-62-2018": [
        FormSpec("deklarasi", "Deklarasi nilai-nilai", f"{TANGERANG} Lampiran II II.2.a"),
        FormSpec("wawancara", "Wawancara", f"{TANGERANG} Lampiran II II.2.b"),
        FormSpec("ceramah", "Ceramah", f"{TANGERANG} Lampiran II II.2.b"),
        FormSpec(
            "pks",
            "Pelatihan di Kantor Sendiri (PKS)",
            f"{TANGERANG} Lampiran II II.2.b",
        ),
        FormSpec(
            "diskusi-kbk",
            "Diskusi KBK",
            f"{TANGERANG} Lampiran II II.2.b",
            "Diskusi Kelompok Budaya Kerja tentang nilai-nilai dan penerapannya.",
        ),
        FormSpec("workshop", "Workshop", f"{TANGERANG} Lampiran II II.2.b–c"),
        FormSpec(
            "diklat",
            "Pendidikan dan pelatihan (diklat)",
            f"{TANGERANG} Lampiran II II.2.b",
        ),
        FormSpec(
            "fgd",
            "Focus group discussion (FGD)",
            f"{TANGERANG} Lampiran II II.1.d, II.2.b",
        ),
        FormSpec("mind-setting", "Mind setting", f"{TANGERANG} Lampiran II II.2.c"),
        FormSpec("outbound", "Outbound", f"{TANGERANG} Lampiran II II.2.c"),
        FormSpec("lainnya", "Cara lain", f"{TANGERANG} Lampiran II II.2.b–c"),
    ],
}

GENERIC: list[FormSpec] = [
    FormSpec("rapat", "Rapat", ""),
    FormSpec("sosialisasi", "Sosialisasi", ""),
    FormSpec("pelatihan", "Pelatihan", ""),
    FormSpec("lainnya", "Lainnya", ""),
]


def forms_for_regulation(slug: str | None) -> list[FormSpec]:
    return FORMS.get(slug or "", GENERIC)
