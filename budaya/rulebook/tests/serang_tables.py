"""Perwal Kota Serang 34/2023, Lampiran E, Tabel 1 and Tabel 2, transcribed exactly (once in
budaya/monev/indicators.py; kept here to check the shipped rulebook against the transcription).

Tabel 1 groups its rows under four headings; Tabel 2 names the same four maturity indicators
(with "Sudah ada ..." in front) and their evidence items a and b.
"""

from __future__ import annotations

# Tabel 1: the seven columns, numbered 1 to 7 in the form.
COLUMNS = (
    "No.",
    "Waktu Pelaksanaan",
    "Kegiatan",
    "Bentuk/ Media/ Peralatan yang Digunakan",
    "Permasalahan yang Dihadapi",
    "Upaya Pemecahan Permasalahan",
    "Data Dukung",
)

# Tabel 1: the group headings of the rows, in order.
TABEL1_HEADINGS = {
    1: "Slogan-slogan yang menggambarkan nilai organisasi pada Perangkat Daerah yang bersangkutan",
    2: "Budaya Kerja organisasi yang resmi menggambarkan nilai-nilai, sikap, dan perilaku di "
    "Perangkat Daerah yang bersangkutan",
    3: "Internalisasi budaya organisasi yang berkelanjutan berdasarkan dokumen resmi",
    4: "Budaya organisasi sudah tercermin dalam sikap dan perilaku pegawai pada Perangkat Daerah "
    "yang bersangkutan berdasarkan hasil evaluasi secara rutin dan berkelanjutan",
}

# Tabel 2: Indikator Maturitas Organisasi Variabel Budaya Kerja.
TABEL2_INDICATORS = {
    1: "Sudah ada slogan-slogan yang menggambarkan nilai organisasi pada Perangkat Daerah yang "
    "bersangkutan",
    2: "Sudah ada dokumen Budaya Kerja organisasi yang resmi menggambarkan nilai-nilai, sikap, dan "
    "perilaku di Perangkat Daerah yang bersangkutan",
    3: "Sudah ada dokumen internalisasi budaya organisasi yang berkelanjutan berdasarkan dokumen "
    "resmi",
    4: "Budaya organisasi sudah tercermin dalam sikap dan perilaku ASN pada Perangkat Daerah yang "
    "bersangkutan berdasarkan hasil evaluasi secara rutin dan berkelanjutan",
}

# Tabel 2, column "Data Dukung": items a and b of each indicator.
TABEL2_ITEMS = {
    1: {
        "a": "Ada slogan nilai organisasi; dan",
        "b": "Dokumen slogan organisasi tertuang dalam bentuk media cetak dan noncetak.",
    },
    2: {
        "a": "Ada dokumen resmi nilai, sikap, perilaku; dan",
        "b": "Dokumen keputusan penetapan nilai budaya organisasi, keputusan Tim Percepatan "
        "Pelaksanaan Reformasi Birokrasi Perangkat Daerah yang juga mencakup KBK dan Agen "
        "Perubahan dan lain-lain.",
    },
    3: {
        "a": "Ada dokumen resmi program internalisasi budaya organisasi berkelanjutan; dan",
        "b": "Sumber daya aparatur, dan dokumen rencana (program) pengembangan budaya organisasi, "
        "kegiatan sosialisasi, sarasehan, ekspo, bimtek, lomba, dan lain-lain.",
    },
    4: {
        "a": "Ada budaya organisasi yang terbentuk, melalui evaluasi rutin berkala; dan",
        "b": "Dokumen monev budaya organisasi (kinerja KBK dan Agen Perubahan), lomba Budaya "
        "Kerja, pelaksanaan rekomendasi dan tindak lanjut evaluasi",
    },
}
