"""Russian credit-line forms of photographers' names ("фото Аманкула Дюсенбаева")."""

from functools import lru_cache

from pytrovich.enums import Case, Gender, NamePart
from pytrovich.maker import PetrovichDeclinationMaker


@lru_cache(maxsize=1)
def _maker() -> PetrovichDeclinationMaker:
    return PetrovichDeclinationMaker()


def genitive_credit_name(name: str, *, female: bool) -> str:
    """Decline "Имя [Отчество] Фамилия" into the genitive; a suggestion for an editor to check.

    Credit lines write the first name first, so two words are read as first name and
    surname, three as first name, patronymic and surname. One word is taken as a surname.
    """
    words = name.split()
    if not words:
        return ""
    gender = Gender.FEMALE if female else Gender.MALE
    if len(words) == 1:
        parts = [NamePart.LASTNAME]
    elif len(words) == 2:
        parts = [NamePart.FIRSTNAME, NamePart.LASTNAME]
    elif len(words) == 3:
        parts = [NamePart.FIRSTNAME, NamePart.MIDDLENAME, NamePart.LASTNAME]
    else:
        # Longer names (with particles, double surnames) are left for the editor.
        return name.strip()
    maker = _maker()
    pairs = zip(parts, words, strict=True)
    return " ".join(maker.make(part, gender, Case.GENITIVE, word) for part, word in pairs)
