"""Where each region's square sits on the dashboard's tile-grid cartogram: (column, row),
west to east and north to south, drawn by hand from the regions' approximate places. Not a
map: every region is one equal square, so small regions are as visible as large ones."""

UKRAINE = {
    "ua_volyn": (1, 0), "ua_rivne": (2, 0), "ua_zhytomyr": (3, 0), "ua_kyiv_oblast": (4, 0),
    "ua_chernihiv": (5, 0), "ua_sumy": (6, 0),
    "ua_lviv": (1, 1), "ua_ternopil": (2, 1), "ua_khmelnytskyi": (3, 1),
    "ua_kyiv_city": (4, 1), "ua_poltava": (5, 1), "ua_kharkiv": (6, 1), "ua_luhansk": (7, 1),
    "ua_zakarpattia": (0, 2), "ua_ivano_frankivsk": (1, 2), "ua_chernivtsi": (2, 2),
    "ua_vinnytsia": (3, 2), "ua_cherkasy": (4, 2), "ua_kirovohrad": (5, 2),
    "ua_dnipropetrovsk": (6, 2), "ua_donetsk": (7, 2),
    "ua_odesa": (3, 3), "ua_mykolaiv": (4, 3), "ua_kherson": (5, 3),
    "ua_zaporizhzhia": (6, 3),
    "ua_sevastopol": (4, 4), "ua_crimea": (5, 4),
}

KAZAKHSTAN = {
    "kz_west_kazakhstan": (0, 0), "kz_kostanay": (2, 0), "kz_north_kazakhstan": (3, 0),
    "kz_pavlodar": (4, 0), "kz_east_kazakhstan": (5, 0),
    "kz_atyrau": (0, 1), "kz_aktobe": (1, 1), "kz_ulytau": (2, 1), "kz_akmola": (3, 1),
    "kz_astana": (4, 1), "kz_abai": (5, 1),
    "kz_mangystau": (0, 2), "kz_kyzylorda": (1, 2), "kz_karaganda": (3, 2),
    "kz_jetisu": (5, 2),
    "kz_turkistan": (2, 3), "kz_jambyl": (3, 3), "kz_almaty_region": (4, 3),
    "kz_shymkent": (2, 4), "kz_almaty_city": (4, 4),
}
