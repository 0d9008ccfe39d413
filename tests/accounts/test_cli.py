from sqlalchemy import select

from award_app.accounts.models import Role, User
from award_app.extensions import db


def test_create_admin_from_the_command_line(runner):
    result = runner.invoke(args=["accounts", "create-admin", "--email", "IT@monre.gov.vn", "--name", "Quản Trị",
                                 "--password", "ngua-dua-chay-ve-dich"])
    assert result.exit_code == 0, result.output
    admin = db.session.scalars(select(User)).one()
    assert admin.email == "it@monre.gov.vn" and admin.roles == {Role.ADMIN}
    again = runner.invoke(args=["accounts", "create-admin", "--email", "it@monre.gov.vn", "--name", "X",
                                "--password", "ngua-dua-chay-ve-dich"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_admin_refuses_a_short_password(runner):
    result = runner.invoke(args=["accounts", "create-admin", "--email", "a@b.vn", "--name", "A", "--password", "short"])
    assert result.exit_code != 0
    assert db.session.scalars(select(User)).all() == []
