"""SMS parts counted as the network counts them; every expected number here was counted by hand
(the comments show the sums), not by the code under test."""

from decimal import Decimal

from notifications.segments import GSM7, UCS2, gsm7_spelling, sms_segments


def test_160_gsm7_characters_are_one_part_and_161_are_two():
    assert (sms_segments("a" * 160).encoding, sms_segments("a" * 160).parts) == (GSM7, 1)
    assert sms_segments("a" * 161).parts == 2  # 153 + 8


def test_split_gsm7_parts_hold_153_each():
    assert sms_segments("a" * 306).parts == 2  # 153 + 153
    assert sms_segments("a" * 307).parts == 3  # 153 + 153 + 1


def test_extension_characters_count_two():
    assert sms_segments("a" * 158 + "€").units == 160  # 158 + 2
    assert sms_segments("a" * 158 + "€").parts == 1
    assert sms_segments("a" * 159 + "[").parts == 2  # 159 + 2 = 161 septets
    assert sms_segments("{}").units == 4


def test_an_extension_character_is_not_cut_between_parts():
    # 152 + 2 + 152 = 306 septets, which would be two full parts of 153; the € cannot be cut after
    # septet 153, so part 1 holds 152, part 2 holds € + 151, part 3 the last a.
    count = sms_segments("a" * 152 + "€" + "a" * 152)
    assert (count.encoding, count.units, count.parts) == (GSM7, 306, 3)


def test_form_feed_is_an_extension_character():
    assert sms_segments("a\fb").units == 4


def test_70_ucs2_units_are_one_part_and_71_are_two():
    assert (sms_segments("’" + "a" * 69).encoding, sms_segments("’" + "a" * 69).parts) == (UCS2, 1)
    assert sms_segments("’" + "a" * 70).parts == 2  # 67 + 4


def test_split_ucs2_parts_hold_67_each():
    assert sms_segments("’" * 134).parts == 2  # 67 + 67
    assert sms_segments("’" * 135).parts == 3


def test_an_emoji_is_two_units_and_is_not_cut_between_parts():
    one = sms_segments("a" * 68 + "🚗")  # 68 + 2 = 70 units, 69 characters
    assert (one.encoding, one.characters, one.units, one.parts) == (UCS2, 69, 70, 1)
    assert sms_segments("a" * 69 + "🚗").parts == 2  # 71 units
    # 66 + 2 + 66 = 134 units, two full parts of 67 were the car cut in half: 66 | 🚗 + 65 | 1.
    assert sms_segments("a" * 66 + "🚗" + "a" * 66).parts == 3


def test_english_sample_with_a_curly_apostrophe_goes_as_ucs2():
    text = "Hi Wanjiku, your car’s ready for collection at Ndegwa Auto."
    # Hi(2)+1 Wanjiku,(8)+1 your(4)+1 car’s(5)+1 ready(5)+1 for(3)+1 collection(10)+1 at(2)+1
    # Ndegwa(6)+1 Auto.(5) = 59
    count = sms_segments(text)
    assert (count.encoding, count.characters, count.parts, count.ucs2_characters) == (UCS2, 59, 1, ("’",))
    straight = sms_segments(gsm7_spelling(text))
    assert (straight.encoding, straight.characters, straight.parts) == (GSM7, 59, 1)


def test_swahili_sample_is_gsm7_in_one_part():
    text = "Habari Wanjiku, gari lako Toyota Fielder (KDA 123B) liko tayari kuchukuliwa."
    # 7 + 9 + 5 + 5 + 7 + 8 + 5 + 6 + 5 + 7 + 12 = 76
    count = sms_segments(text)
    assert (count.encoding, count.characters, count.units, count.parts) == (GSM7, 76, 76, 1)


def test_a_long_swahili_reminder_with_curly_quotes_takes_two_ucs2_parts():
    text = ("Habari Otieno, tunakukumbusha kuwa gari lako Nissan Note (KCB 456C) limepangiwa “Full Service” "
            "kesho, 5 Des 2026. Karibu Ndegwa Auto.")
    # Habari(6)+1 Otieno,(7)+1 tunakukumbusha(14)+1 kuwa(4)+1 gari(4)+1 lako(4)+1 Nissan(6)+1 Note(4)+1
    # (KCB(4)+1 456C)(5)+1 limepangiwa(11)+1 “Full(5)+1 Service”(8)+1 = 81 + 14 spaces = 95
    # kesho,(6)+1 5(1)+1 Des(3)+1 2026.(5)+1 Karibu(6)+1 Ndegwa(6)+1 Auto.(5) = 38 → 95 + 38 = 133
    count = sms_segments(text)
    assert (count.encoding, count.characters, count.parts) == (UCS2, 133, 2)  # 67 + 66
    assert count.ucs2_characters == ("“", "”")
    assert sms_segments(gsm7_spelling(text)).parts == 1


def test_gsm7_spelling_replaces_what_word_processors_put_in():
    assert gsm7_spelling("“Tayari” – ni saa 5… ‘sawa’\u00a0asante") == '"Tayari" - ni saa 5... \'sawa\' asante'


def test_gsm7_spelling_leaves_what_has_no_gsm7_spelling():
    assert sms_segments(gsm7_spelling("Asante 🚗")).ucs2_characters == ("🚗",)


def test_cost_is_price_per_part_times_parts():
    assert sms_segments("a" * 161).cost(Decimal("0.80")) == Decimal("1.60")


def test_an_empty_text_is_no_part():
    assert sms_segments("").parts == 0
